import type { ConstraintPlan, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';
import { ConflictIndex } from './conflict-index.js';

/**
 * [X-Fleet] Conflicts=: a unit stays off machines running a unit its globs match, and off
 * machines running a unit whose own globs match it.
 */
export class ConflictsConstraint implements SchedulingConstraint {
  readonly name = 'conflicts';
  private readonly indexes = new WeakMap<PlacementView, ConflictIndex>();

  plan(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined {
    const index = this.indexFor(view);
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
    if (blocked.size === 0) return undefined;
    return {
      filter: (machine) => {
        const reason = blocked.get(machine.id);
        return reason === undefined ? { ok: true } : { ok: false, reason };
      },
    };
  }

  private indexFor(view: PlacementView): ConflictIndex {
    let index = this.indexes.get(view);
    if (!index) this.indexes.set(view, (index = new ConflictIndex(view)));
    else index.catchUp();
    return index;
  }
}
