import type { SchedulingConstraint, UnitOption } from '../../core/index.js';
import type { MachineView, FleetRegistry, Schedule, StateTable } from './registry/fleet-registry.js';
import type { DesiredState, JobRecord } from './registry/records.js';
import { explainPlacement, type PlacementExplanation } from './engine/explain.js';
import { isGlobalUnit, schedulableUnit, schedulingProblem } from './unit-file/schedulable-unit.js';

export type CurrentState = 'inactive' | 'loaded' | 'launched';

/** A unit as fleet's API shows it. */
export interface FleetUnit {
  name: string;
  options: UnitOption[];
  hash: string;
  desiredState: DesiredState;
  /** Absent for units that run on every machine. */
  currentState?: CurrentState;
  /** The machine it is placed on; absent when unscheduled or global. */
  machineId?: string;
  global: boolean;
}

/** A unit's state on one machine. */
export interface FleetUnitState {
  name: string;
  machineId: string;
  hash: string;
  loadState: string;
  activeState: string;
  subState: string;
}

/**
 * The cluster as fleet's API and the CLI see it: the read model over the registry (units with
 * their current state, states, machines) and the checks a submitted unit must pass.
 */
export class FleetCluster {
  constructor(
    readonly registry: FleetRegistry,
    private readonly constraintList: () => readonly SchedulingConstraint[],
  ) {}

  get constraints(): readonly SchedulingConstraint[] {
    return this.constraintList();
  }

  /** Why fleet would refuse these options for this unit, or undefined. */
  problemWith(name: string, options: readonly UnitOption[]): string | undefined {
    return schedulingProblem(schedulableUnit(name, options), this.constraints);
  }

  isGlobal(name: string, options: readonly UnitOption[]): boolean {
    return isGlobalUnit(schedulableUnit(name, options), this.constraints);
  }

  /** Every unit, sorted by name. */
  async units(): Promise<FleetUnit[]> {
    const [jobs, schedule, states] = await Promise.all([this.registry.jobs(), this.registry.schedule(), this.registry.states()]);
    const targets = targetsOf(schedule);
    const units = await Promise.all([...jobs].map(([name, job]) => this.view(name, job, targets.get(name), states)));
    return units.filter((u): u is FleetUnit => u !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async unit(name: string): Promise<FleetUnit | undefined> {
    const job = await this.registry.job(name);
    if (!job) return undefined;
    const target = targetsOf(await this.registry.schedule()).get(name);
    // fleetctl polls this while it waits: only the target machine's states are read.
    const states: StateTable = target ? new Map([[target, await this.registry.statesOn(target)]]) : new Map();
    return this.view(name, job, target, states);
  }

  /** Published states, sorted by unit name then machine id. */
  async states(filter: { machineId?: string; unitName?: string } = {}): Promise<FleetUnitState[]> {
    const table = await this.registry.states();
    const rows: FleetUnitState[] = [];
    for (const [machineId, units] of table) {
      if (filter.machineId !== undefined && machineId !== filter.machineId) continue;
      for (const [name, state] of units) {
        if (filter.unitName !== undefined && name !== filter.unitName) continue;
        rows.push({ name, machineId, hash: state.hash, loadState: state.loadState, activeState: state.activeState, subState: state.subState });
      }
    }
    return rows.sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0));
  }

  machines(): Promise<MachineView[]> {
    return this.registry.machines();
  }

  /** Per machine, which rule refused the unit and why, and the scores of those that accept it. */
  async explain(name: string): Promise<PlacementExplanation | undefined> {
    return explainPlacement(this.registry, this.constraints, name);
  }

  private async view(name: string, job: JobRecord, target: string | undefined, states: StateTable): Promise<FleetUnit | undefined> {
    const options = (await this.registry.unitOptions(job.hash)) ?? [];
    const global = this.isGlobal(name, options);
    const unit: FleetUnit = { name, options, hash: job.hash, desiredState: job.desiredState, global };
    if (global) return unit;
    if (target) {
      unit.machineId = target;
      const state = states.get(target)?.get(name);
      unit.currentState = state === undefined ? 'inactive' : state.launched ? 'launched' : 'loaded';
    } else {
      unit.currentState = 'inactive';
    }
    return unit;
  }
}

/** Unit → the machine it is assigned to (the first one, for a unit assigned twice during a move). */
export function targetsOf(schedule: Schedule): Map<string, string> {
  const targets = new Map<string, string>();
  for (const [machine, assignments] of schedule) for (const unit of assignments.keys()) if (!targets.has(unit)) targets.set(unit, machine);
  return targets;
}
