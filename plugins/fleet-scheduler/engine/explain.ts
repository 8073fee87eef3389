import type { SchedulingConstraint } from '../../../core/index.js';
import type { FleetRegistry } from '../registry/fleet-registry.js';
import { isGlobalUnit } from '../unit-file/schedulable-unit.js';
import { loadSnapshot } from './cluster-snapshot.js';
import { plansFor } from './constraint-plans.js';
import { ClusterPlacementView } from './placement-view.js';
import { chooseMachine } from './scheduler.js';

export interface MachineExplanation {
  id: string;
  name?: string;
  accepted: boolean;
  rejections: { constraint: string; reason: string }[];
  scores: { constraint: string; score: number }[];
  total: number;
  /** The machine the unit is on, or would be placed on now. */
  chosen: boolean;
}

export interface PlacementExplanation {
  unit: string;
  global: boolean;
  placedOn: string[];
  machines: MachineExplanation[];
}

/** Every rule's verdict and score for a unit on every live machine, as the engine would see it now. */
export async function explainPlacement(
  registry: FleetRegistry,
  constraints: readonly SchedulingConstraint[],
  name: string,
): Promise<PlacementExplanation | undefined> {
  const snapshot = await loadSnapshot(registry);
  const job = snapshot.jobs.get(name);
  if (!job) return undefined;
  const placements: [string, string][] = [];
  for (const [machine, assignments] of snapshot.schedule) for (const unit of assignments.keys()) placements.push([unit, machine]);
  const view = new ClusterPlacementView(
    snapshot.machines,
    new Map([...snapshot.jobs].map(([n, j]) => [n, j.unit])),
    placements.filter(([, machine]) => snapshot.machines.some((m) => m.id === machine)),
  );
  const global = isGlobalUnit(job.unit, constraints);
  const placedOn = [...view.placementsOf(name)];
  const plans = plansFor(job.unit, view, constraints);
  const chosen = new Set(global || placedOn.length > 0 ? placedOn : [chooseMachine(job.unit, view, constraints).machine].filter((m): m is string => !!m));
  const machines = view.machines.map((machine): MachineExplanation => {
    const rejections: MachineExplanation['rejections'] = [];
    const scores: MachineExplanation['scores'] = [];
    for (const plan of plans) {
      if (plan.candidates && !plan.candidates.has(machine.id)) rejections.push({ constraint: plan.constraint, reason: 'not among the machines this rule allows' });
      const verdict = plan.filter?.(machine);
      if (verdict && !verdict.ok) rejections.push({ constraint: plan.constraint, reason: verdict.reason });
      if (plan.score) scores.push({ constraint: plan.constraint, score: plan.score(machine) });
    }
    const total = scores.reduce((sum, s) => sum + s.score, 0);
    return { id: machine.id, name: machine.name, accepted: rejections.length === 0, rejections, scores, total, chosen: chosen.has(machine.id) };
  });
  return { unit: name, global, placedOn, machines };
}
