import type { ClusterMachine, SchedulableUnit, SchedulingConstraint } from '../../../core/index.js';
import type { AssignmentRecord, DesiredState } from '../registry/records.js';
import type { Schedule } from '../registry/fleet-registry.js';
import { candidateMachines, firstRejection, plansFor, type NamedPlan } from './constraint-plans.js';
import { ClusterPlacementView } from './placement-view.js';

/** A submitted unit the engine schedules. */
export interface SchedulerJob {
  unit: SchedulableUnit;
  hash: string;
  desiredState: DesiredState;
}

export interface ScheduleInput {
  machines: readonly ClusterMachine[];
  jobs: ReadonlyMap<string, SchedulerJob>;
  schedule: Schedule;
  constraints: readonly SchedulingConstraint[];
  /**
   * Stop looking once this many machines passed every filter, and pick the best of those
   * (Kubernetes' percentageOfNodesToScore, Nomad's candidate limit); the next unit starts
   * looking where this one stopped, so the load still spreads. 0 scores every machine.
   */
  machinesToScore?: number;
}

/** Where the next unit's search starts, and how many feasible machines it scores. */
export interface MachineSearch {
  limit: number;
  start: number;
}

export interface ScheduleChanges {
  assign: { machine: string; unit: string; assignment: AssignmentRecord }[];
  unassign: { machine: string; unit: string; reason: string }[];
  /** Units that should run and have no machine that accepts them, with the reason for the last machine tried. */
  unplaceable: Map<string, string>;
}

const MAX_PASSES = 5;

/**
 * One reconciliation of the schedule, in memory: placements whose machine is gone, whose unit
 * is gone or inactive, or that a rule now refuses are taken back; units that should run are
 * placed on the best machine every rule accepts (highest total score, then lowest machine id);
 * units that run everywhere are placed on every accepting machine. Returns the writes to make.
 */
export function reconcileSchedule(input: ScheduleInput): ScheduleChanges {
  const { machines, jobs, schedule, constraints } = input;
  const live = new Set(machines.map((m) => m.id));
  const changes: ScheduleChanges = { assign: [], unassign: [], unplaceable: new Map() };
  const units = new Map([...jobs].map(([name, job]) => [name, job.unit]));
  const isGlobal = (unit: SchedulableUnit) => constraints.some((c) => c.placesOnEvery?.(unit) === true);
  const globals = new Set([...jobs.values()].filter((job) => isGlobal(job.unit)).map((job) => job.unit.name));

  const kept: [string, string][] = [];
  for (const [machine, assignments] of schedule) {
    for (const unit of assignments.keys()) {
      const job = jobs.get(unit);
      const reason = !live.has(machine)
        ? `machine ${machine} went away`
        : !job
          ? 'unit was destroyed'
          : job.desiredState === 'inactive'
            ? 'unit is inactive'
            : undefined;
      if (reason) changes.unassign.push({ machine, unit, reason });
      else kept.push([unit, machine]);
    }
  }
  const view = new ClusterPlacementView(machines, units, kept);
  const search: MachineSearch = { limit: input.machinesToScore ?? 0, start: 0 };
  const removed = new Map<string, string>();

  const wanted = [...jobs.values()].filter((job) => job.desiredState !== 'inactive').sort((a, b) => (a.unit.name < b.unit.name ? -1 : 1));
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let moved = false;
    for (const job of wanted) {
      const name = job.unit.name;
      if (globals.has(name)) {
        moved = placeEverywhere(job.unit, view, constraints, removed) || moved;
        continue;
      }
      const placedOn = view.placementsOf(name);
      if (placedOn.length > 0) {
        moved = recheck(job.unit, [...placedOn], view, constraints, removed) || moved;
        if (view.placementsOf(name).length > 0) continue;
      }
      const choice = chooseMachine(job.unit, view, constraints, search);
      if (choice.machine) {
        view.place(name, choice.machine);
        changes.unplaceable.delete(name);
        moved = true;
      } else {
        changes.unplaceable.set(name, choice.reason);
      }
    }
    if (!moved) break;
  }

  const scheduled = (machine: string, unit: string) => schedule.get(machine)?.get(unit);
  const finalPlacements = new Set<string>();
  for (const machine of machines) {
    for (const unit of view.unitsOn(machine.id)) {
      finalPlacements.add(`${machine.id}/${unit}`);
      const job = jobs.get(unit)!;
      const assignment: AssignmentRecord = { hash: job.hash, desiredState: job.desiredState as AssignmentRecord['desiredState'] };
      const current = scheduled(machine.id, unit);
      if (!current || current.hash !== assignment.hash || current.desiredState !== assignment.desiredState) {
        changes.assign.push({ machine: machine.id, unit, assignment });
      }
    }
  }
  for (const [unit, machine] of kept) {
    if (!finalPlacements.has(`${machine}/${unit}`)) {
      changes.unassign.push({ machine, unit, reason: removed.get(`${machine}/${unit}`) ?? 'unit moved' });
    }
  }
  return changes;
}

/** The machine a unit should go to, or why none will do. */
export function chooseMachine(
  unit: SchedulableUnit,
  view: ClusterPlacementView,
  constraints: readonly SchedulingConstraint[],
  search: MachineSearch = { limit: 0, start: 0 },
): { machine?: string; reason: string } {
  if (view.machines.length === 0) return { reason: 'no machines in the cluster' };
  const plans = plansFor(unit, view, constraints);
  // Hot loop (units × machines): the checks and scores are pulled out of the plans once.
  const filters = plans.filter((p) => p.filter !== undefined);
  const scorers = plans.map((p) => p.score).filter((score) => score !== undefined);
  let best: string | undefined;
  let bestScore = -Infinity;
  let rejectedBy: NamedPlan | undefined;
  let rejection = '';
  const candidates = candidateMachines(plans, view);
  const first = search.limit > 0 ? search.start % Math.max(1, candidates.length) : 0;
  let feasible = 0;
  let looked = 0;
  machines: for (; looked < candidates.length; looked++) {
    if (search.limit > 0 && feasible >= search.limit) break;
    const machine = candidates[(first + looked) % candidates.length]!;
    for (const plan of filters) {
      const verdict = plan.filter!(machine);
      if (!verdict.ok) {
        rejectedBy = plan;
        rejection = verdict.reason;
        continue machines;
      }
    }
    feasible++;
    let score = 0;
    for (const scoreOf of scorers) score += scoreOf(machine);
    if (score > bestScore || (score === bestScore && best !== undefined && machine.id < best)) {
      bestScore = score;
      best = machine.id;
    }
  }
  if (search.limit > 0) search.start = first + looked;
  const lastRejection = rejectedBy ? `${rejectedBy.constraint}: ${rejection}` : 'no machine passed the rules';
  return best ? { machine: best, reason: '' } : { reason: lastRejection };
}

/** Takes a placed unit back from machines that now refuse it; a unit placed twice keeps one. */
function recheck(
  unit: SchedulableUnit,
  machines: string[],
  view: ClusterPlacementView,
  constraints: readonly SchedulingConstraint[],
  removed: Map<string, string>,
): boolean {
  let changed = false;
  const plans = plansFor(unit, view, constraints);
  let keep: string | undefined;
  for (const id of machines.sort()) {
    const machine = view.machine(id)!;
    const rejection = keep ? { constraint: 'schedule', reason: `already placed on ${keep}` } : firstRejection(plans, machine);
    if (rejection) {
      takeBack(view, unit.name, id, rejection, removed);
      changed = true;
    } else keep = id;
  }
  return changed;
}

/** A unit that runs everywhere: placed on each accepting machine, taken back from the others. */
function placeEverywhere(
  unit: SchedulableUnit,
  view: ClusterPlacementView,
  constraints: readonly SchedulingConstraint[],
  removed: Map<string, string>,
): boolean {
  let changed = false;
  const plans = plansFor(unit, view, constraints);
  const placed = new Set(view.placementsOf(unit.name));
  for (const machine of view.machines) {
    const rejection = firstRejection(plans, machine);
    if (!rejection && !placed.has(machine.id)) {
      view.place(unit.name, machine.id);
      changed = true;
    } else if (rejection && placed.has(machine.id)) {
      takeBack(view, unit.name, machine.id, rejection, removed);
      changed = true;
    }
  }
  return changed;
}

function takeBack(view: ClusterPlacementView, unit: string, machine: string, why: { constraint: string; reason: string }, removed: Map<string, string>): void {
  view.unplace(unit, machine);
  removed.set(`${machine}/${unit}`, `${why.constraint}: ${why.reason}`);
}
