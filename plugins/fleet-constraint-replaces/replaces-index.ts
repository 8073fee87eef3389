import { DeclaredGlobs, PlacedUnits, type PlacementView } from '../../core/index.js';

/**
 * The Replaces= globs of the units placed in one view, by literal prefix: built once from the
 * view, then kept current by following `view.changes`.
 */
export class ReplacesIndex {
  private readonly placed: PlacedUnits;
  private readonly declared = new DeclaredGlobs<string>();

  constructor(private readonly view: PlacementView) {
    this.placed = new PlacedUnits(
      view,
      {
        placed: (unit) => this.declared.add(unit, this.globsOf(unit)),
        unplaced: (unit) => this.declared.remove(unit, this.globsOf(unit)),
      },
      (unit) => this.globsOf(unit).length > 0,
    );
  }

  /** Applies the placement changes made since the last call. */
  catchUp(): void {
    this.placed.catchUp();
  }

  /** Calls `visit` with every placed unit whose Replaces= has a glob matching `name`, and that glob. */
  forEachReplacing(name: string, visit: (glob: string, unit: string) => void): void {
    this.declared.forEachMatching(name, visit);
  }

  private globsOf(unit: string): readonly string[] {
    return this.view.unit(unit)?.requirements.Replaces ?? [];
  }
}
