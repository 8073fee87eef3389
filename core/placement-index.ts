import type { ConstraintPlan, PlacementView } from './contracts/scheduling-constraint.js';

export interface PlacedUnitsEvents {
  /** The unit is now on one machine, and was on none. */
  placed(unit: string): void;
  /** The unit left its last machine. */
  unplaced(unit: string): void;
}

/**
 * How many machines of a placement view each unit is on, built from `unitsOn` and then kept
 * current by following `view.changes`. Reports a unit when it gets its first machine and when
 * it loses its last; units `tracks` turns down are neither counted nor reported.
 */
export class PlacedUnits {
  private consumed: number;
  private readonly machines = new Map<string, number>();

  constructor(
    private readonly view: PlacementView,
    private readonly events: PlacedUnitsEvents,
    private readonly tracks: (unit: string) => boolean = () => true,
  ) {
    for (const machine of view.machines) for (const unit of view.unitsOn(machine.id)) this.placed(unit);
    this.consumed = view.changes.length;
  }

  has(unit: string): boolean {
    return this.machines.has(unit);
  }

  /** Applies the placement changes made since the last call. */
  catchUp(): void {
    const { changes } = this.view;
    for (; this.consumed < changes.length; this.consumed++) {
      const change = changes[this.consumed]!;
      if (!this.view.machine(change.machine)) continue;
      if (change.placed) this.placed(change.unit);
      else this.unplaced(change.unit);
    }
  }

  private placed(unit: string): void {
    if (!this.tracks(unit)) return;
    const count = this.machines.get(unit) ?? 0;
    this.machines.set(unit, count + 1);
    if (count === 0) this.events.placed(unit);
  }

  private unplaced(unit: string): void {
    const count = this.machines.get(unit);
    if (count === undefined) return;
    if (count > 1) {
      this.machines.set(unit, count - 1);
      return;
    }
    this.machines.delete(unit);
    this.events.unplaced(unit);
  }
}

/** One index per placement view: made on first use, brought up to date on each later one. */
export class ViewIndexes<I extends { catchUp(): void }> {
  private readonly indexes = new WeakMap<PlacementView, I>();

  constructor(private readonly create: (view: PlacementView) => I) {}

  of(view: PlacementView): I {
    let index = this.indexes.get(view);
    if (!index) this.indexes.set(view, (index = this.create(view)));
    else index.catchUp();
    return index;
  }
}

/** A plan that refuses the machines in `refused` (machine id → reason); undefined when there are none. */
export function refusingPlan(refused: ReadonlyMap<string, string>): ConstraintPlan | undefined {
  if (refused.size === 0) return undefined;
  return {
    filter: (machine) => {
      const reason = refused.get(machine.id);
      return reason === undefined ? { ok: true } : { ok: false, reason };
    },
  };
}
