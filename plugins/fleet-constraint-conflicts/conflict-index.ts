import { globMatcher, isLiteralGlob, type NameMatcher, type PlacementView } from '../../core/index.js';

/** The text of a glob before its first wildcard or escape: every name the glob matches starts with it. */
export function literalPrefix(glob: string): string {
  const at = glob.search(/[*?[\\]/);
  return at === -1 ? glob : glob.slice(0, at);
}

interface DeclaredGlob {
  match: NameMatcher;
  /** Placed units whose Conflicts= holds this glob. */
  units: Set<string>;
}

/** The first index of `names` (sorted) whose entry is not below `name`. */
function lowerBound(names: readonly string[], name: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (names[mid]! < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The units placed in one view and the Conflicts= globs they declare, answering both directions
 * of the rule without scanning every unit: built once from the view, then kept current by
 * following `view.changes`.
 */
export class ConflictIndex {
  private consumed: number;
  /** How many machines each placed unit is on. */
  private readonly placements = new Map<string, number>();
  /** The placed units' names, sorted, so the names a glob can match form one range. */
  private readonly names: string[] = [];
  /** Literal prefix → glob → what declares it. */
  private readonly declared = new Map<string, Map<string, DeclaredGlob>>();
  /** No declared glob has a longer literal prefix than this. */
  private longestPrefix = 0;

  constructor(private readonly view: PlacementView) {
    for (const machine of view.machines) for (const unit of view.unitsOn(machine.id)) this.placed(unit);
    this.consumed = view.changes.length;
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

  /** Calls `visit` with every placed unit the glob matches, in name order. */
  forEachPlacedMatching(glob: string, visit: (unit: string) => void): void {
    if (isLiteralGlob(glob)) {
      if (this.placements.has(glob)) visit(glob);
      return;
    }
    const prefix = literalPrefix(glob);
    const match = globMatcher(glob);
    const { names } = this;
    for (let i = lowerBound(names, prefix); i < names.length && names[i]!.startsWith(prefix); i++) {
      if (match(names[i]!)) visit(names[i]!);
    }
  }

  /** Calls `visit` with every placed unit whose Conflicts= has a glob matching `name`, and that glob. */
  forEachDeclaring(name: string, visit: (glob: string, unit: string) => void): void {
    const longest = Math.min(name.length, this.longestPrefix);
    for (let length = 0; length <= longest; length++) {
      const bucket = this.declared.get(name.slice(0, length));
      if (!bucket) continue;
      for (const [glob, { match, units }] of bucket) {
        if (match(name)) for (const unit of units) visit(glob, unit);
      }
    }
  }

  private placed(unit: string): void {
    const count = this.placements.get(unit) ?? 0;
    this.placements.set(unit, count + 1);
    if (count > 0) return;
    this.names.splice(lowerBound(this.names, unit), 0, unit);
    for (const glob of this.view.unit(unit)?.requirements.Conflicts ?? []) {
      const prefix = literalPrefix(glob);
      let bucket = this.declared.get(prefix);
      if (!bucket) {
        this.declared.set(prefix, (bucket = new Map()));
        this.longestPrefix = Math.max(this.longestPrefix, prefix.length);
      }
      let declared = bucket.get(glob);
      if (!declared) bucket.set(glob, (declared = { match: globMatcher(glob), units: new Set() }));
      declared.units.add(unit);
    }
  }

  private unplaced(unit: string): void {
    const count = this.placements.get(unit);
    if (count === undefined) return;
    if (count > 1) {
      this.placements.set(unit, count - 1);
      return;
    }
    this.placements.delete(unit);
    this.names.splice(lowerBound(this.names, unit), 1);
    for (const glob of this.view.unit(unit)?.requirements.Conflicts ?? []) {
      const prefix = literalPrefix(glob);
      const bucket = this.declared.get(prefix);
      const declared = bucket?.get(glob);
      if (!declared) continue;
      declared.units.delete(unit);
      if (declared.units.size > 0) continue;
      bucket!.delete(glob);
      if (bucket!.size === 0) this.declared.delete(prefix);
    }
  }
}
