import { Args } from '@oclif/core';
import { BraceExpansionError } from './brace-expansion.js';
import { isGlobalUnit } from './columns.js';
import { FleetCommand, MachineDirectory } from './fleet-command.js';
import type { FleetApi, FleetUnit } from './fleet-api.js';
import { NoMatchError, unitsInRegistry, unitsToCreate, type UnitArg } from './unit-args.js';
import { LifecycleError, UnitLifecycle } from './unit-lifecycle.js';
import { blockAttemptsOf } from './wait.js';

export const UNIT_ARGS = {
  unit: Args.string({ description: 'unit names or files; {a,b} and {1..3} expand, quoted globs match local files and registry units' }),
};

interface ClientFlags {
  endpoint: string;
  token?: string;
}

interface BlockFlags {
  'no-block'?: boolean;
  'block-attempts': number;
}

/** The state load and start set, and fleetctl's prefix when setting it fails. */
const RAISING = {
  load: { state: 'loaded', failure: 'Error loading units' },
  start: { state: 'launched', failure: 'Error starting units' },
} as const;

/** The state stop and unload set, and fleetctl's word for having done it. */
const LOWERING = {
  stop: { state: 'loaded', done: 'stopped' },
  unload: { state: 'inactive', done: 'unloaded' },
} as const;

/** A fleet command that takes unit names: expands them and reaches the lifecycle helpers. */
export abstract class FleetUnitCommand extends FleetCommand {
  protected lifecycle(api: FleetApi): UnitLifecycle {
    return new UnitLifecycle(api, new MachineDirectory(api), { out: (l) => this.out(l), err: (l) => this.err(l), spinner: this.spinner });
  }

  /** fleetctl answers a bare command with this and exit 0. */
  protected noUnitsGiven(argv: readonly unknown[]): boolean {
    if (argv.length > 0) return false;
    this.err('No units given');
    return true;
  }

  /** The units to create from the arguments; a glob that matches nothing, or a runaway brace, ends the command. */
  protected async unitArgs(api: FleetApi, argv: readonly string[]): Promise<UnitArg[]> {
    try {
      return await unitsToCreate(argv, async () => (await api.units()).map((u) => u.name));
    } catch (error) {
      if (error instanceof NoMatchError || error instanceof BraceExpansionError) return this.fail(`Error creating units: ${error.message}`);
      throw error;
    }
  }

  /** The registry's units named by the arguments (fleetctl's findUnits: GET /units, then pick). */
  private async registryUnits(api: FleetApi, argv: readonly string[]): Promise<FleetUnit[]> {
    let units: FleetUnit[];
    try {
      units = await api.units();
    } catch (error) {
      return this.fail((error as Error).message);
    }
    try {
      return unitsInRegistry(argv, units);
    } catch (error) {
      if (error instanceof BraceExpansionError) return this.fail(error.message);
      throw error;
    }
  }

  /**
   * The registry's units named by the arguments, with the API that found them; undefined, after
   * fleetctl's message, when no names are given or none is in the registry.
   */
  protected async namedRegistryUnits(flags: ClientFlags, argv: readonly unknown[]): Promise<{ api: FleetApi; units: FleetUnit[] } | undefined> {
    if (this.noUnitsGiven(argv)) return undefined;
    const api = this.fleetApi(flags);
    const units = await this.registryUnits(api, argv as string[]);
    if (units.length > 0) return { api, units };
    this.err('Units not found in registry');
    return undefined;
  }

  /**
   * load and start: submits the units when needed, sets their desired state and waits until
   * each non-global one reaches it.
   */
  protected async raiseDesiredStates(verb: keyof typeof RAISING, flags: ClientFlags & BlockFlags & { replace: boolean }, argv: readonly unknown[]): Promise<void> {
    if (this.noUnitsGiven(argv)) return;
    const { state, failure } = RAISING[verb];
    const api = this.fleetApi(flags);
    const lifecycle = this.lifecycle(api);
    const units = await this.unitArgs(api, argv as string[]);
    await this.step('Error creating units', () => lifecycle.createUnits(units, verb, flags.replace, flags['block-attempts']));
    const triggered = await this.step(failure, () => lifecycle.setDesiredStates(units.map((u) => u.name), state));
    const waiting: string[] = [];
    for (const unit of triggered) {
      if (isGlobalUnit(unit)) this.out(`Triggered global unit ${unit.name} ${verb}`);
      else waiting.push(unit.name);
    }
    if (!(await lifecycle.waitForStates(waiting, verb, state, blockAttemptsOf(flags)))) this.exit(1);
  }

  /**
   * stop and unload: sets the desired state of the named registry units (of a non-global one
   * only when `needed` says so), waits for the non-global ones and reports the outcome.
   */
  protected async lowerDesiredStates(verb: keyof typeof LOWERING, flags: ClientFlags & BlockFlags, argv: readonly unknown[], needed: (unit: FleetUnit) => boolean): Promise<void> {
    const named = await this.namedRegistryUnits(flags, argv);
    if (!named) return;
    const { api, units } = named;
    const { state, done } = LOWERING[verb];
    const waiting: string[] = [];
    for (const unit of units) {
      const global = isGlobalUnit(unit);
      if (!global && !needed(unit)) continue;
      await api.setDesiredState(unit.name, state);
      if (global) this.out(`Triggered global unit ${unit.name} ${verb}`);
      else waiting.push(unit.name);
    }
    const ok = await this.lifecycle(api).waitForStates(waiting, verb, state, blockAttemptsOf(flags));
    if (ok) return this.err(`Successfully ${done} units [${waiting.join(' ')}].`);
    this.fail(`Failed to ${verb} units [${waiting.join(' ')}]. exit == 1.`);
  }

  /** Runs a lifecycle step and ends the command with `prefix: message` when it fails. */
  protected async step<T>(prefix: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof LifecycleError) return this.fail(`${prefix}: ${error.message}`);
      throw error;
    }
  }
}
