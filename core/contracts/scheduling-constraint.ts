/**
 * A rule the cluster scheduler applies when it places a unit on a machine: a filter that
 * rejects machines with a reason, and optionally a score that ranks the machines left.
 */

export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

export interface SchedulableUnit {
  name: string;
  /** Every option of the unit file, [X-Fleet] included, in file order. */
  options: readonly UnitOption[];
  /**
   * The [X-Fleet] section by key: deprecated spellings folded into the current ones
   * (X-ConditionMachineOf → MachineOf, X-Conflicts → Conflicts, …), quoted lists split,
   * specifiers %n %N %p %i expanded. Keys the scheduler does not know are kept as written.
   */
  requirements: Readonly<Record<string, readonly string[]>>;
}

export interface ClusterMachine {
  /** 32 hex digits. */
  id: string;
  name?: string;
  publicIp?: string;
  /** fleet metadata, from the node's config merged with dynamic metadata: a key may carry several values. */
  metadata: Readonly<Record<string, readonly string[]>>;
}

/** A unit put on (`placed`) or taken off a machine during a placement pass. */
export interface PlacementChange {
  unit: string;
  machine: string;
  placed: boolean;
}

/** The cluster as the scheduler sees it while it places units; it changes as units are placed. */
export interface PlacementView {
  /** Live machines, sorted by id. */
  readonly machines: readonly ClusterMachine[];
  machine(id: string): ClusterMachine | undefined;
  /** The machines a unit is placed on: none, one, or several for a unit that runs everywhere. */
  placementsOf(unit: string): readonly string[];
  /** Units placed on a machine, units that run everywhere included. */
  unitsOn(machine: string): ReadonlySet<string>;
  /** Every unit the cluster knows, placed or not. */
  unit(name: string): SchedulableUnit | undefined;
  /**
   * Every placement change since the view was made, in order. A rule that keeps an index
   * builds it once from `unitsOn` and then follows this list from where it left off.
   */
  readonly changes: readonly PlacementChange[];
}

export type ConstraintVerdict = { ok: true } | { ok: false; reason: string };

/** What a rule says about one unit during one pass, prepared once and asked per machine. */
export interface ConstraintPlan {
  /** When set, only these machines can pass: the scheduler skips every other machine. */
  candidates?: Iterable<string>;
  filter?(machine: ClusterMachine): ConstraintVerdict;
  /** Higher is better; machines that pass every filter are ranked by the sum of scores. */
  score?(machine: ClusterMachine): number;
}

export interface SchedulingConstraint {
  readonly name: string;
  /** Problems with a unit's options, refused when the unit is submitted (fleet's API answers 400 with the first). */
  validate?(unit: SchedulableUnit): readonly string[];
  /**
   * Prepares the rule for one unit; `undefined` when the rule has nothing to say about it.
   * The unit may already be placed (placements are re-checked): a rule ignores the unit itself
   * among a machine's units. Takes precedence over `filter` and `score`.
   */
  plan?(unit: SchedulableUnit, view: PlacementView): ConstraintPlan | undefined;
  /** The simple form of `plan`: asked for every unit and machine. */
  filter?(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): ConstraintVerdict;
  score?(unit: SchedulableUnit, machine: ClusterMachine, view: PlacementView): number;
  /** True when the unit runs on every machine that passes the filters (fleet's Global=true) instead of on one. */
  placesOnEvery?(unit: SchedulableUnit): boolean;
}
