import type { ConstraintPlan, ConstraintVerdict, PlacementView, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';

const OK: ConstraintVerdict = { ok: true };

/** [X-Fleet] MachineOf=: the unit runs where every named peer runs. */
export class MachineOfConstraint implements SchedulingConstraint {
  readonly name = 'machine-of';

  plan(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined {
    const peers = [...new Set(unit.requirements.MachineOf ?? [])].filter((peer) => peer !== unit.name);
    if (peers.length === 0) return undefined;
    return {
      candidates: commonMachines(peers, view),
      filter: (machine) => {
        const units = view.unitsOn(machine.id);
        const missing = peers.find((peer) => !units.has(peer));
        if (missing === undefined) return OK;
        const where = view.placementsOf(missing);
        if (where.length === 0) return { ok: false, reason: `peer ${missing} is not scheduled` };
        return { ok: false, reason: `peer ${missing} is not on this machine (it is on ${describeMachines(where)})` };
      },
    };
  }
}

/** The machines every peer is placed on. */
function commonMachines(peers: readonly string[], view: PlacementView): string[] {
  let common = new Set(view.placementsOf(peers[0]!));
  for (const peer of peers.slice(1)) {
    if (common.size === 0) break;
    const placed = view.placementsOf(peer);
    common = new Set(placed.filter((machine) => common.has(machine)));
  }
  return [...common];
}

function describeMachines(ids: readonly string[]): string {
  if (ids.length > 3) return `${ids.length} other machines`;
  return ids.map((id) => id.slice(0, 8)).join(', ');
}
