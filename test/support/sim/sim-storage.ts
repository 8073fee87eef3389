import type { Entry, HardState, Snapshot } from '../../../plugins/raft-kv/raft/types.js';

export interface OverwrittenEntry {
  index: number;
  term: number;
  byTerm: number;
}

/**
 * One node's disk: what has been fsynced survives a crash, nothing else does. Entries are kept
 * contiguous after the snapshot (or after index 0).
 */
export class SimStorage {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];

  /** Index of the entry before the first one held: the snapshot's index, or 0. */
  get offset(): number {
    return this.snapshot?.meta.index ?? 0;
  }

  lastIndex(): number {
    return this.offset + this.entries.length;
  }

  /** The term at `index`, or undefined when it is compacted away or beyond the log. */
  term(index: number): number | undefined {
    if (index === this.offset) return this.snapshot?.meta.term ?? 0;
    if (index < this.offset || index > this.lastIndex()) return undefined;
    return this.entries[index - this.offset - 1]!.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.offset || index > this.lastIndex()) return undefined;
    return this.entries[index - this.offset - 1];
  }

  /** Installs a snapshot received from a leader: everything before it, and the log after it, go. */
  installSnapshot(snapshot: Snapshot): void {
    this.snapshot = copySnapshot(snapshot);
    this.entries = [];
  }

  /** Appends entries, replacing any suffix they conflict with; returns what was replaced. */
  append(entries: readonly Entry[]): { overwritten: OverwrittenEntry[]; gapAfter?: number } {
    const overwritten: OverwrittenEntry[] = [];
    const fresh = entries.filter((entry) => entry.index > this.offset);
    if (fresh.length === 0) return { overwritten };
    const first = fresh[0]!.index;
    if (first > this.lastIndex() + 1) return { overwritten, gapAfter: this.lastIndex() };
    for (const entry of fresh) {
      const old = this.entry(entry.index);
      if (old && old.term !== entry.term) overwritten.push({ index: entry.index, term: old.term, byTerm: entry.term });
    }
    this.entries = this.entries.slice(0, first - this.offset - 1).concat(fresh.map((entry) => ({ ...entry })));
    return { overwritten };
  }

  setHardState(hardState: HardState): void {
    this.hardState = { ...hardState };
  }

  /** Saves a snapshot the node made itself; the disk keeps only the entries after it. */
  saveOwnSnapshot(snapshot: Snapshot): void {
    if (snapshot.meta.index <= this.offset) return;
    const kept = this.entries.filter((entry) => entry.index > snapshot.meta.index);
    this.snapshot = copySnapshot(snapshot);
    this.entries = kept;
  }
}

function copySnapshot(snapshot: Snapshot): Snapshot {
  return {
    meta: { index: snapshot.meta.index, term: snapshot.meta.term, conf: { voters: [...snapshot.meta.conf.voters], learners: [...snapshot.meta.conf.learners] } },
    data: snapshot.data.slice(),
  };
}
