import type { ClusterMachine, ConstraintPlan, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../../core/index.js';

export interface NamedPlan extends Omit<ConstraintPlan, 'candidates'> {
  constraint: string;
  candidates?: ReadonlySet<string>;
}

/** Every rule's plan for one unit: its own `plan`, or its `filter`/`score` wrapped as one. */
export function plansFor(unit: SchedulableUnit, view: PlacementView, constraints: readonly SchedulingConstraint[]): NamedPlan[] {
  const plans: NamedPlan[] = [];
  for (const constraint of constraints) {
    if (constraint.plan) {
      const plan = constraint.plan(unit, view);
      if (plan) plans.push({ constraint: constraint.name, candidates: plan.candidates ? new Set(plan.candidates) : undefined, filter: plan.filter?.bind(plan), score: plan.score?.bind(plan) });
      continue;
    }
    const { filter, score } = constraint;
    if (!filter && !score) continue;
    plans.push({
      constraint: constraint.name,
      filter: filter ? (machine: ClusterMachine) => filter.call(constraint, unit, machine, view) : undefined,
      score: score ? (machine: ClusterMachine) => score.call(constraint, unit, machine, view) : undefined,
    });
  }
  return plans;
}

/** The machines worth checking: those every plan with candidates allows, or all of them. */
export function candidateMachines(plans: readonly NamedPlan[], view: PlacementView): readonly ClusterMachine[] {
  let allowed: Set<string> | undefined;
  for (const plan of plans) {
    if (!plan.candidates) continue;
    const ids = plan.candidates;
    allowed = new Set([...(allowed ?? ids)].filter((id) => ids.has(id)));
  }
  if (!allowed) return view.machines;
  return [...allowed]
    .map((id) => view.machine(id))
    .filter((m): m is ClusterMachine => m !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The first plan that refuses the machine, with its reason. */
export function firstRejection(plans: readonly NamedPlan[], machine: ClusterMachine): { constraint: string; reason: string } | undefined {
  for (const plan of plans) {
    if (!plan.filter) continue;
    const verdict = plan.filter(machine);
    if (!verdict.ok) return { constraint: plan.constraint, reason: verdict.reason };
  }
  return undefined;
}

