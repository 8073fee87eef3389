import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { UnitOption } from '../../../core/index.js';
import { templateOf } from '../unit-file/unit-name.js';
import { parseUnitOptions, unitHash } from '../unit-file/unit-options.js';
import { isGlobalUnit } from './columns.js';
import { FleetApiError, type FleetApi, type FleetUnit } from './fleet-api.js';
import type { MachineDirectory } from './fleet-command.js';
import type { UnitArg } from './unit-args.js';
import { ATTEMPT_MS, pollUntil, reportInOrder, type BlockAttempts, type Outcome, type Spinner } from './wait.js';

export type TargetState = 'inactive' | 'loaded' | 'launched';
export type CreatingCommand = 'submit' | 'load' | 'start';

/** The desired states from which each command may replace a unit with a differing local file. */
const REPLACEABLE_FROM: Readonly<Record<CreatingCommand, readonly string[]>> = {
  submit: ['inactive'],
  load: ['inactive', 'loaded'],
  start: ['inactive', 'loaded', 'launched'],
};

/** A problem that stops the command, printed after fleetctl's prefix for the step (`Error creating units: …`). */
export class LifecycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleError';
  }
}

export interface LifecycleIo {
  out(line: string): void;
  err(line: string): void;
  spinner: Spinner;
}

/** A unit file on disk, read as fleetctl reads it. */
function readUnitFile(file: string, name: string, what = 'Unit'): UnitOption[] {
  try {
    return parseUnitOptions(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LifecycleError(`failed getting ${what}(${name}) from file: ${(error as Error).message}`);
  }
}

/** Reads a file for comparison only: a missing or unreadable one counts as absent. */
function tryUnitFile(file: string): UnitOption[] | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return parseUnitOptions(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What fleetctl's submit, load, start, stop, unload and restart share: creating units from
 * files or templates, setting desired states and waiting until the cluster reports them.
 */
export class UnitLifecycle {
  constructor(
    private readonly api: FleetApi,
    private readonly machines: MachineDirectory,
    private readonly io: LifecycleIo,
  ) {}

  /**
   * Makes sure each unit is in the registry: kept when it is there (warning when the local
   * file differs, replaced with `replace` when the command allows it), otherwise created from
   * its file, or for an instance from its template in the registry or on disk. Then waits
   * until the created ones read inactive.
   */
  async createUnits(units: readonly UnitArg[], command: CreatingCommand, replace: boolean, attempts: number): Promise<void> {
    const created: string[] = [];
    for (const unit of units) {
      const existing = await this.registryUnit(unit.name, 'Unit');
      if (existing) {
        const options = this.replacementFor(unit, existing, command, replace);
        if (options === undefined) continue;
        await this.create(unit.name, options);
        created.push(unit.name);
        continue;
      }
      await this.create(unit.name, await this.optionsFor(unit, replace));
      created.push(unit.name);
    }
    const ok = await this.wait(created, 'inactive', attempts, 'created', (error) => `Error waiting on unit creation: ${error}`);
    if (!ok) throw new LifecycleError('One or more errors creating units');
  }

  /** Sets the desired state of each unit that does not have it yet; answers the units it changed. */
  async setDesiredStates(names: readonly string[], state: TargetState): Promise<FleetUnit[]> {
    const triggered: FleetUnit[] = [];
    for (const name of names) {
      const unit = await this.registryUnit(name, 'unit');
      if (!unit) throw new LifecycleError(`unable to find unit ${name}`);
      if (unit.desiredState === state) continue;
      try {
        await this.api.setDesiredState(name, state);
      } catch (error) {
        if (error instanceof FleetApiError) throw new LifecycleError(`failed setting the desired state of unit ${name}: ${error.message}`);
        throw error;
      }
      triggered.push(unit);
    }
    return triggered;
  }

  /**
   * Waits until every unit reads `state` (a global unit: its desired state) and prints
   * `Unit NAME STATE on MACHINE` for each; with `launched`, also until the unit's machine
   * reports it active. Without blocking, prints `Triggered unit NAME VERB` instead.
   */
  async waitForStates(names: readonly string[], verb: string, state: TargetState, attempts: BlockAttempts): Promise<boolean> {
    if (attempts === undefined) {
      for (const name of names) this.io.out(`Triggered unit ${name} ${verb}`);
      return true;
    }
    return this.wait(names, state, attempts, state, (error) => `Error waiting for units: ${error}`);
  }

  private async wait(names: readonly string[], state: TargetState, attempts: number, label: string, describe: (error: string) => string): Promise<boolean> {
    if (names.length === 0) return true;
    this.io.spinner.start(`Waiting for ${names.length === 1 ? names[0] : `${names.length} units`} to be ${label}...`);
    try {
      const waits = names.map((name) => () => this.waitForOne(name, state, attempts));
      return await reportInOrder(waits, (line) => this.io.out(line), (line) => this.io.err(line), describe);
    } finally {
      this.io.spinner.stop();
    }
  }

  private async waitForOne(name: string, state: TargetState, attempts: number): Promise<Outcome> {
    const unit = await pollUntil(async () => {
      const found = await this.unitOrNothing(name);
      if (!found) return undefined;
      return (isGlobalUnit(found) ? found.desiredState : found.currentState) === state ? found : undefined;
    }, attempts);
    if (!unit) return { ok: false, error: `timed out waiting for unit ${name} to report state ${state}` };
    const legend = await this.machines.legend(unit.machineID);
    const lines = [`Unit ${name} ${unit.currentState ?? ''}${legend ? ` on ${legend}` : ''}`];
    if (state !== 'launched' || isGlobalUnit(unit)) return { ok: true, lines };
    const problem = await this.waitUntilActive(name, unit.machineID, legend, attempts);
    return problem === undefined ? { ok: true, lines } : { ok: false, error: problem, lines };
  }

  /** Polls the unit's published state until systemd calls it active and loaded; answers why not, or undefined. */
  private async waitUntilActive(name: string, machineId: string | undefined, legend: string | undefined, attempts: number): Promise<string | undefined> {
    let failedSince: number | undefined;
    const verdict = await pollUntil(async () => {
      const state = await this.api.state(name).catch((error) => {
        if (error instanceof FleetApiError) return undefined;
        throw error;
      });
      if (!state || (machineId && state.machineID && state.machineID !== machineId)) return undefined;
      if (state.systemdActiveState === 'active' && state.systemdLoadState === 'loaded') return 'active';
      if (state.systemdActiveState !== 'failed') {
        failedSince = undefined;
        return undefined;
      }
      // A unit that stays failed for a whole attempt will not become active by itself.
      failedSince ??= performance.now();
      return performance.now() - failedSince >= ATTEMPT_MS ? 'failed' : undefined;
    }, attempts);
    if (verdict === 'active') return undefined;
    if (verdict === 'failed') return `unit ${name} failed${legend ? ` on ${legend}` : ''}`;
    return `timed out waiting for unit ${name} to report active state`;
  }

  /** The unit from the registry, undefined when it has none; an error answer ends the step. */
  private async registryUnit(name: string, what: string): Promise<FleetUnit | undefined> {
    try {
      return await this.api.unit(name);
    } catch (error) {
      if (error instanceof FleetApiError) throw new LifecycleError(`error retrieving ${what}(${name}) from Registry: ${error.message}`);
      throw error;
    }
  }

  private async unitOrNothing(name: string): Promise<FleetUnit | undefined> {
    try {
      return await this.api.unit(name);
    } catch (error) {
      if (error instanceof FleetApiError) return undefined;
      throw error;
    }
  }

  private async create(name: string, options: UnitOption[]): Promise<void> {
    try {
      await this.api.createUnit(name, options);
    } catch (error) {
      if (error instanceof FleetApiError) throw new LifecycleError(`failed creating unit ${name}: ${error.message}`);
      throw error;
    }
  }

  /** The options to replace an existing unit with, or undefined to keep it (after saying why). */
  private replacementFor(unit: UnitArg, existing: FleetUnit, command: CreatingCommand, replace: boolean): UnitOption[] | undefined {
    const local = this.localVersion(unit);
    if (!local) return undefined;
    if (unitHash(local.options) === unitHash(existing.options ?? [])) {
      if (replace) this.io.out(`Found same Unit(${unit.name}) in Registry, nothing to do`);
      return undefined;
    }
    if (!replace) {
      const kind = local.template ? 'local template unit file' : 'local unit file';
      this.io.err(`WARNING: Unit ${unit.name} in registry differs from ${kind} ${local.file}. Add --replace to override.`);
      return undefined;
    }
    const desired = existing.desiredState ?? 'inactive';
    if (!REPLACEABLE_FROM[command].includes(desired)) {
      this.io.err(`Warning: can not replace Unit(${unit.name}) in state '${desired}', use the appropriate command`);
      return undefined;
    }
    return local.options;
  }

  /** The unit's file on disk, or for an instance without one its template's file. */
  private localVersion(unit: UnitArg): { file: string; options: UnitOption[]; template: boolean } | undefined {
    const own = tryUnitFile(unit.file);
    if (own) return { file: unit.file, options: own, template: false };
    const template = templateOf(unit.name);
    if (!template) return undefined;
    const file = path.join(path.dirname(unit.file), template);
    const options = tryUnitFile(file);
    return options ? { file, options, template: true } : undefined;
  }

  /** A new unit's options: its file, else (for an instance) its template from the registry, else the template's file. */
  private async optionsFor(unit: UnitArg, replace: boolean): Promise<UnitOption[]> {
    if (existsSync(unit.file)) return readUnitFile(unit.file, unit.file);
    const template = templateOf(unit.name);
    if (!template) throw new LifecycleError(`unable to find Unit(${unit.name}) in Registry or on filesystem`);
    const file = path.join(path.dirname(unit.file), template);
    const registered = await this.registryUnit(template, 'template Unit');
    if (registered) {
      const local = tryUnitFile(file);
      if (local && !replace && unitHash(local) !== unitHash(registered.options ?? [])) {
        this.io.err(`WARNING: Unit ${template} in registry differs from local template unit file ${file}. Add --replace to override.`);
      }
      return registered.options ?? [];
    }
    if (!existsSync(file)) throw new LifecycleError(`unable to find Unit(${unit.name}) or template Unit(${template}) in Registry or on filesystem`);
    return readUnitFile(file, template, 'template Unit');
  }
}
