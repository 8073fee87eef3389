import type { ClusterMachine, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';

/** fleet's scheduler: the machine with the fewest units wins (ties go to the lower machine id). */
export class LeastLoadedScore implements SchedulingConstraint {
  readonly name = 'least-loaded';

  score(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): number {
    const units = view.unitsOn(machine.id);
    const others = units.has(unit.name) ? units.size - 1 : units.size;
    return others === 0 ? 0 : -others;
  }
}
