import { globMatcher, type NameMatcher, type PlacementView } from '../../core/index.js';

/** The text of a glob before its first wildcard or escape: every name the glob matches starts with it. */
export function literalPrefix(glob: string): string {
  const at = glob.search(/[*?[\\]/);
  return at === -1 ? glob : glob.slice(0, at);
}

interface DeclaredGlob {
  match: NameMatcher;
  /** Placed units whose Replaces= holds this glob. */
  units: Set<string>;
}

/**
 * The Replaces= globs of the units placed in one view, by literal prefix: built once from the
 * view, then kept current by following `view.changes`.
 */
export class ReplacesIndex {
  private consumed: number;
  /** How many machines each placed unit with Replaces= is on. */
  private readonly placements = new Map<string, number>();
  /** Literal prefix → glob → what declares it. */
  private readonly declared = new Map<string, Map<string, DeclaredGlob>>();
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

  /** Calls `visit` with every placed unit whose Replaces= has a glob matching `name`, and that glob. */
  forEachReplacing(name: string, visit: (glob: string, unit: string) => void): void {
    const longest = Math.min(name.length, this.longestPrefix);
    for (let length = 0; length <= longest; length++) {
      const bucket = this.declared.get(name.slice(0, length));
      if (!bucket) continue;
      for (const [glob, { match, units }] of bucket) {
        if (match(name)) for (const unit of units) visit(glob, unit);
      }
    }
  }

  private globsOf(unit: string): readonly string[] {
    return this.view.unit(unit)?.requirements.Replaces ?? [];
  }

  private placed(unit: string): void {
    const globs = this.globsOf(unit);
    if (globs.length === 0) return;
    const count = this.placements.get(unit) ?? 0;
    this.placements.set(unit, count + 1);
    if (count > 0) return;
    for (const glob of globs) {
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
    for (const glob of this.globsOf(unit)) {
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
