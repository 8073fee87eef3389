import type { SchedulableUnit, SchedulingConstraint, UnitOption } from '../../../core/index.js';
import { requirementProblem } from './requirement-rules.js';
import { fleetRequirements } from './x-fleet.js';

export function schedulableUnit(name: string, options: readonly UnitOption[]): SchedulableUnit {
  return { name, options, requirements: fleetRequirements(name, options) };
}

/** The first reason to refuse a unit's scheduling options: fleet's own rules, then each constraint's. */
export function schedulingProblem(unit: SchedulableUnit, constraints: readonly SchedulingConstraint[]): string | undefined {
  const problem = requirementProblem(unit);
  if (problem) return problem;
  for (const constraint of constraints) {
    const found = constraint.validate?.(unit)[0];
    if (found) return found;
  }
  return undefined;
}

/** True when a constraint makes the unit run on every matching machine (fleet's Global=true). */
export function isGlobalUnit(unit: SchedulableUnit, constraints: readonly SchedulingConstraint[]): boolean {
  return constraints.some((constraint) => constraint.placesOnEvery?.(unit) === true);
}
