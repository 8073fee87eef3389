import {
  CORE,
  type ClusterMachine,
  type ConstraintVerdict,
  type PlacementView,
  type RuntimePlugin,
  type SchedulableUnit,
  type SchedulingConstraint,
  type UnitOption,
} from '../../core/index.js';
import { ClusterPlacementView } from '../../plugins/fleet-scheduler/engine/placement-view.js';
import { fleetRequirements } from '../../plugins/fleet-scheduler/unit-file/x-fleet.js';
import { startTestNode } from './test-node.js';

/** A 32-hex machine id whose first eight digits are `short` (padded) and the rest from `n`. */
export function machineId(n: number, short = n.toString(16).padStart(8, '0')): string {
  return `${short}${n.toString(16).padStart(24, '0')}`;
}

export function machine(id: string, metadata: Record<string, string | readonly string[]> = {}): ClusterMachine {
  const lists = Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, typeof value === 'string' ? [value] : value]));
  return { id, metadata: lists };
}

/** A unit with these [X-Fleet] options, read as the scheduler reads them. */
export function unit(name: string, xFleet: Record<string, string | readonly string[]> = {}): SchedulableUnit {
  const options: UnitOption[] = [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }];
  for (const [key, values] of Object.entries(xFleet)) {
    for (const value of typeof values === 'string' ? [values] : values) options.push({ section: 'X-Fleet', name: key, value });
  }
  return { name, options, requirements: fleetRequirements(name, options) };
}

export function placementView(
  machines: readonly ClusterMachine[],
  units: readonly SchedulableUnit[],
  placements: Iterable<readonly [unit: string, machine: string]> = [],
): ClusterPlacementView {
  return new ClusterPlacementView(machines, new Map(units.map((u) => [u.name, u])), placements);
}

/**
 * What the engine would conclude from one rule for one unit: each machine's verdict, with the
 * machines outside a plan's candidates refused.
 */
export function verdicts(rule: SchedulingConstraint, schedulable: SchedulableUnit, view: PlacementView): Map<string, ConstraintVerdict> {
  const result = new Map<string, ConstraintVerdict>();
  const plan = rule.plan ? rule.plan(schedulable, view) : undefined;
  const candidates = plan?.candidates ? new Set(plan.candidates) : undefined;
  for (const m of view.machines) {
    if (candidates && !candidates.has(m.id)) result.set(m.id, { ok: false, reason: 'not a candidate' });
    else if (rule.plan) result.set(m.id, plan?.filter ? plan.filter(m) : { ok: true });
    else result.set(m.id, rule.filter ? rule.filter(schedulable, m, view) : { ok: true });
  }
  return result;
}

/** The machines the rule lets the unit run on, in id order. */
export function passing(rule: SchedulingConstraint, schedulable: SchedulableUnit, view: PlacementView): string[] {
  return [...verdicts(rule, schedulable, view)].filter(([, verdict]) => verdict.ok).map(([id]) => id);
}

/** The reason the rule gives for refusing the unit on this machine, or undefined when it passes. */
export function reasonOn(rule: SchedulingConstraint, schedulable: SchedulableUnit, view: PlacementView, machineId: string): string | undefined {
  const verdict = verdicts(rule, schedulable, view).get(machineId);
  if (!verdict) throw new Error(`no machine ${machineId} in the view`);
  return verdict.ok ? undefined : verdict.reason;
}

/** The machines where `allows` accepts every unit placed but the candidate itself: a rule worked out the long way. */
export function machinesAllowing(view: PlacementView, candidate: SchedulableUnit, allows: (other: string) => boolean): string[] {
  return view.machines.filter((m) => [...view.unitsOn(m.id)].every((other) => other === candidate.name || allows(other))).map((m) => m.id);
}

/**
 * Moves units at random for `steps` steps: each step places a unit on a machine (45%), takes a
 * placed one off (30%), or hands a unit to `check` (25%).
 */
export function randomPlacements(
  view: ClusterPlacementView,
  units: readonly SchedulableUnit[],
  random: () => number,
  steps: number,
  check: (candidate: SchedulableUnit, step: number) => void,
): void {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const ids = view.machines.map((m) => m.id);
  for (let step = 0; step < steps; step++) {
    const roll = random();
    if (roll < 0.45) view.place(pick(units).name, pick(ids));
    else if (roll < 0.75) {
      const placed = ids.flatMap((id) => [...view.unitsOn(id)].map((name) => [name, id] as const));
      if (placed.length > 0) view.unplace(...pick(placed));
    } else check(pick(units), step);
  }
}

/** Starts a node running only `plugin` and hands `use` the scheduling constraints its container holds. */
export async function withNodeConstraints<T>(
  plugin: RuntimePlugin<any>,
  use: (constraints: SchedulingConstraint[]) => T | Promise<T>,
  settings: Record<string, unknown> = {},
): Promise<T> {
  const node = await startTestNode({ catalog: [plugin], config: { plugins: { [plugin.id]: settings } } });
  try {
    return await use(node.kernel.container.resolveAll(CORE.SchedulingConstraint));
  } finally {
    await node.stop();
  }
}
