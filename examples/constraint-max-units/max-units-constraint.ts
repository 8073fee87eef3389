import type { ClusterMachine, ConstraintVerdict, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';

/** Refuses machines that already run `max` units besides the one being placed. */
export class MaxUnitsConstraint implements SchedulingConstraint {
  readonly name = 'max-units';

  constructor(private readonly max: number) {}

  filter(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): ConstraintVerdict {
    const units = view.unitsOn(machine.id);
    const others = units.has(unit.name) ? units.size - 1 : units.size;
    if (others < this.max) return { ok: true };
    return { ok: false, reason: `machine runs ${others} units, at most ${this.max} allowed` };
  }
}
