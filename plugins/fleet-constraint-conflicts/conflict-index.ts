import { DeclaredGlobs, globMatcher, isLiteralGlob, literalPrefix, PlacedUnits, type PlacementView } from '../../core/index.js';

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
  private readonly placed: PlacedUnits;
  /** The placed units' names, sorted, so the names a glob can match form one range. */
  private readonly names: string[] = [];
  /** The Conflicts= globs of the placed units. */
  private readonly declared = new DeclaredGlobs<string>();

  constructor(private readonly view: PlacementView) {
    this.placed = new PlacedUnits(view, {
      placed: (unit) => {
        this.names.splice(lowerBound(this.names, unit), 0, unit);
        this.declared.add(unit, this.conflictsOf(unit));
      },
      unplaced: (unit) => {
        this.names.splice(lowerBound(this.names, unit), 1);
        this.declared.remove(unit, this.conflictsOf(unit));
      },
    });
  }

  /** Applies the placement changes made since the last call. */
  catchUp(): void {
    this.placed.catchUp();
  }

  /** Calls `visit` with every placed unit the glob matches, in name order. */
  forEachPlacedMatching(glob: string, visit: (unit: string) => void): void {
    if (isLiteralGlob(glob)) {
      if (this.placed.has(glob)) visit(glob);
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
    this.declared.forEachMatching(name, visit);
  }

  private conflictsOf(unit: string): readonly string[] {
    return this.view.unit(unit)?.requirements.Conflicts ?? [];
  }
}
