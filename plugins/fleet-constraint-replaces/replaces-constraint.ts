import { globMatcher, refusingPlan, ViewIndexes, type ConstraintPlan, type PlacementView, type SchedulableUnit, type SchedulingConstraint } from '../../core/index.js';
import { ReplacesIndex } from './replaces-index.js';

/**
 * [X-Fleet] Replaces=: a unit cannot stay on a machine that runs a unit replacing it. The
 * replacing unit is not held back, so placing it where the replaced one runs moves that one
 * away when placements are re-checked. Two units that replace each other ignore the rule.
 */
export class ReplacesConstraint implements SchedulingConstraint {
  readonly name = 'replaces';
  private readonly indexes = new ViewIndexes((view) => new ReplacesIndex(view));

  plan(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined {
    const own = (unit.requirements.Replaces ?? []).map(globMatcher);
    const blocked = new Map<string, string>();
    this.indexes.of(view).forEachReplacing(unit.name, (glob, replacer) => {
      if (replacer === unit.name || own.some((match) => match(replacer))) return;
      const reason = `replaced by ${replacer} (Replaces=${glob})`;
      for (const machine of view.placementsOf(replacer)) if (!blocked.has(machine)) blocked.set(machine, reason);
    });
    return refusingPlan(blocked);
  }
}
