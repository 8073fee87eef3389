import type { ClusterMachine, PlacementChange, PlacementView, SchedulableUnit } from '../../../core/index.js';

const EMPTY: ReadonlySet<string> = new Set();
const NONE: readonly string[] = [];

/** The scheduler's working copy of the cluster: machines, units and where each unit is placed. */
export class ClusterPlacementView implements PlacementView {
  readonly machines: readonly ClusterMachine[];
  readonly changes: PlacementChange[] = [];
  private readonly byId: Map<string, ClusterMachine>;
  private readonly onMachine = new Map<string, Set<string>>();
  private readonly ofUnit = new Map<string, string[]>();

  constructor(
    machines: readonly ClusterMachine[],
    private readonly units: ReadonlyMap<string, SchedulableUnit>,
    placements: Iterable<readonly [unit: string, machine: string]> = [],
  ) {
    this.machines = [...machines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.byId = new Map(this.machines.map((m) => [m.id, m]));
    for (const [unit, machine] of placements) this.record(unit, machine);
  }

  machine(id: string): ClusterMachine | undefined {
    return this.byId.get(id);
  }

  placementsOf(unit: string): readonly string[] {
    return this.ofUnit.get(unit) ?? NONE;
  }

  unitsOn(machine: string): ReadonlySet<string> {
    return this.onMachine.get(machine) ?? EMPTY;
  }

  unit(name: string): SchedulableUnit | undefined {
    return this.units.get(name);
  }

  place(unit: string, machine: string): void {
    if (this.record(unit, machine)) this.changes.push({ unit, machine, placed: true });
  }

  unplace(unit: string, machine: string): void {
    const machines = this.ofUnit.get(unit);
    const at = machines?.indexOf(machine) ?? -1;
    if (at === -1) return;
    machines!.splice(at, 1);
    if (machines!.length === 0) this.ofUnit.delete(unit);
    this.onMachine.get(machine)?.delete(unit);
    this.changes.push({ unit, machine, placed: false });
  }

  private record(unit: string, machine: string): boolean {
    let units = this.onMachine.get(machine);
    if (!units) this.onMachine.set(machine, (units = new Set()));
    if (units.has(unit)) return false;
    units.add(unit);
    const machines = this.ofUnit.get(unit);
    if (machines) machines.push(machine);
    else this.ofUnit.set(unit, [machine]);
    return true;
  }
}
