import type { ClusterMachine, ConstraintPlan, ConstraintVerdict, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';

const OK: ConstraintVerdict = { ok: true };
const SHORT_ID_LENGTH = 8;

/** fleet's MachineState.MatchID: the full id or its first eight digits. */
export function matchesMachineId(machine: ClusterMachine, wanted: string): boolean {
  return machine.id === wanted || machine.id.slice(0, SHORT_ID_LENGTH) === wanted;
}

/** [X-Fleet] MachineID=: the unit runs on that machine only. */
export class MachineIdConstraint implements SchedulingConstraint {
  readonly name = 'machine-id';
  private readonly byShortId = new WeakMap<PlacementView, Map<string, string[]>>();

  plan(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined {
    const wanted = unit.requirements.MachineID?.[0];
    if (wanted === undefined) return undefined;
    const candidates = new Set(this.shortIds(view).get(wanted));
    if (view.machine(wanted)) candidates.add(wanted);
    return {
      candidates,
      filter: (machine) =>
        matchesMachineId(machine, wanted)
          ? OK
          : { ok: false, reason: `unit requires machine ${wanted}, this is ${machine.id.slice(0, SHORT_ID_LENGTH)}` },
    };
  }

  private shortIds(view: PlacementView): Map<string, string[]> {
    let index = this.byShortId.get(view);
    if (!index) {
      index = new Map();
      for (const { id } of view.machines) {
        const short = id.slice(0, SHORT_ID_LENGTH);
        const ids = index.get(short);
        if (ids) ids.push(id);
        else index.set(short, [id]);
      }
      this.byShortId.set(view, index);
    }
    return index;
  }
}
