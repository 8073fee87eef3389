import { Args } from '@oclif/core';
import { BraceExpansionError } from './brace-expansion.js';
import { FleetCommand, MachineDirectory } from './fleet-command.js';
import type { FleetApi, FleetUnit } from './fleet-api.js';
import { NoMatchError, unitsInRegistry, unitsToCreate, type UnitArg } from './unit-args.js';
import { LifecycleError, UnitLifecycle } from './unit-lifecycle.js';

export const UNIT_ARGS = {
  unit: Args.string({ description: 'unit names or files; {a,b} and {1..3} expand, quoted globs match local files and registry units' }),
};

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
  protected async registryUnits(api: FleetApi, argv: readonly string[]): Promise<FleetUnit[]> {
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
