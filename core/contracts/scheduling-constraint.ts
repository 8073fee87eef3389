/** A rule the cluster scheduler applies when it places a unit on a machine. */

export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

export interface SchedulableUnit {
  name: string;
  /** Every option of the unit file, [X-Fleet] included, in file order. */
  options: readonly UnitOption[];
}

export interface ClusterMachine {
  id: string;
  name?: string;
  publicIp?: string;
  /** fleet metadata: a key may carry several values. */
  metadata: Readonly<Record<string, readonly string[]>>;
}

export interface PlacementView {
  machines: readonly ClusterMachine[];
  /** Units already placed: unit name to machine id. */
  placements: ReadonlyMap<string, string>;
  units: ReadonlyMap<string, SchedulableUnit>;
}

export type ConstraintVerdict = { ok: true } | { ok: false; reason: string };

export interface SchedulingConstraint {
  readonly name: string;
  /** Rejects a unit whose options this rule cannot accept (messages shown at submit time). */
  validate?(unit: SchedulableUnit): readonly string[];
  filter(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): ConstraintVerdict;
  /** Higher is better; machines that pass every filter are ranked by the sum of scores. */
  score?(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): number;
}
