import { refusingPlan, ViewIndexes, type ConstraintPlan, type PlacementView, type SchedulableUnit, type SchedulingConstraint } from '../../core/index.js';
import { ConflictIndex } from './conflict-index.js';

/**
 * [X-Fleet] Conflicts=: a unit stays off machines running a unit its globs match, and off
 * machines running a unit whose own globs match it.
 */
export class ConflictsConstraint implements SchedulingConstraint {
  readonly name = 'conflicts';
  private readonly indexes = new ViewIndexes((view) => new ConflictIndex(view));

  plan(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined {
    const index = this.indexes.of(view);
    const blocked = new Map<string, string>();
    const block = (other: string, reason: () => string) => {
      if (other === unit.name) return;
      let text: string | undefined;
      for (const machine of view.placementsOf(other)) {
        if (!blocked.has(machine)) blocked.set(machine, (text ??= reason()));
      }
    };
    for (const glob of unit.requirements.Conflicts ?? []) {
      index.forEachPlacedMatching(glob, (other) => block(other, () => `conflicts with ${other}, which matches Conflicts=${glob}`));
    }
    index.forEachDeclaring(unit.name, (glob, other) => block(other, () => `conflicts with ${other}, whose Conflicts=${glob} matches ${unit.name}`));
    return refusingPlan(blocked);
  }
}
