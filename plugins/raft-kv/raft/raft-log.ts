import type { Entry } from './types.js';

/**
 * The log held in memory: the entries after a compaction point, addressed by index arithmetic,
 * plus how far they are committed, durable and handed to the driver for persisting.
 */
export class RaftLog {
  private entries: Entry[];
  /** Index and term of the entry just before entries[0]: the snapshot or compaction point. */
  private prevIndex: number;
  private prevTerm: number;
  committed: number;
  /** Highest index known durable and still part of this log. */
  persisted: number;
  /** First index not yet handed to the driver to persist. */
  unstableFrom: number;

  constructor(prevIndex: number, prevTerm: number, entries: readonly Entry[], committed: number) {
    this.prevIndex = prevIndex;
    this.prevTerm = prevTerm;
    this.entries = entries.slice();
    entries.forEach((entry, i) => {
      if (entry.index !== prevIndex + 1 + i) throw new Error(`log entries not contiguous after ${prevIndex} at position ${i}`);
    });
    this.persisted = this.lastIndex();
    this.unstableFrom = this.lastIndex() + 1;
    if (committed > this.lastIndex()) throw new Error(`commit index ${committed} is beyond the last log index ${this.lastIndex()}: the log was truncated or lost`);
    this.committed = Math.max(committed, prevIndex);
  }

  firstIndex(): number {
    return this.prevIndex + 1;
  }

  lastIndex(): number {
    return this.prevIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.prevTerm : this.entries[this.entries.length - 1]!.term;
  }

  /** Undefined when `index` is compacted away or beyond the log. */
  term(index: number): number | undefined {
    if (index === this.prevIndex) return this.prevTerm;
    if (index < this.prevIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.prevIndex - 1]!.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** The election restriction: is a log ending at (index, term) at least as up to date as ours? */
  isUpToDate(index: number, term: number): boolean {
    const lastTerm = this.lastTerm();
    return term > lastTerm || (term === lastTerm && index >= this.lastIndex());
  }

  entry(index: number): Entry | undefined {
    if (index <= this.prevIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.prevIndex - 1];
  }

  /** Entries in [lo, hi); lo must not be compacted. */
  slice(lo: number, hi: number): Entry[] {
    if (lo < this.firstIndex()) throw new Error(`slice from ${lo} below first index ${this.firstIndex()}`);
    const end = Math.min(hi, this.lastIndex() + 1);
    if (lo >= end) return [];
    return this.entries.slice(lo - this.prevIndex - 1, end - this.prevIndex - 1);
  }

  /** Leader side: appends entries that follow the last one. */
  append(entries: readonly Entry[]): void {
    for (const entry of entries) this.entries.push(entry);
  }

  /**
   * Follower side: if our log holds (prevIndex, prevTerm), makes `entries` follow it (dropping
   * any conflicting suffix) and advances the commit index; returns the last index the append
   * vouches for, or undefined on a mismatch.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) throw new Error(`entry ${conflict} conflicts with committed entry (commit ${this.committed})`);
      this.truncateAndAppend(entries.slice(conflict - entries[0]!.index));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** The first entry whose index is new or whose term differs from ours; 0 when all match. */
  private findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  private truncateAndAppend(entries: readonly Entry[]): void {
    const from = entries[0]!.index;
    if (from <= this.lastIndex()) {
      this.entries.length = from - this.prevIndex - 1;
      this.unstableFrom = Math.min(this.unstableFrom, from);
      this.persisted = Math.min(this.persisted, from - 1);
    }
    this.append(entries);
  }

  /**
   * The last index at or below `index` whose term is at most `term`, with that term: where a
   * log whose entry at `index` has a higher term may still agree with ours.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let at = Math.min(index, this.lastIndex());
    while (at > this.prevIndex) {
      const t = this.entries[at - this.prevIndex - 1]!.term;
      if (t <= term) return { index: at, term: t };
      at--;
    }
    return { index: at, term: at === this.prevIndex ? this.prevTerm : 0 };
  }

  commitTo(index: number): boolean {
    const target = Math.min(index, this.lastIndex());
    if (target <= this.committed) return false;
    this.committed = target;
    return true;
  }

  unstableEntries(): Entry[] {
    const entries = this.unstableFrom <= this.lastIndex() ? this.slice(this.unstableFrom, this.lastIndex() + 1) : [];
    this.unstableFrom = this.lastIndex() + 1;
    return entries;
  }

  hasUnstable(): boolean {
    return this.unstableFrom <= this.lastIndex();
  }

  /** The driver persisted entries up to (index, term); ignored if they were replaced meanwhile. */
  stableTo(index: number, term: number): void {
    if (index < this.unstableFrom && this.matchTerm(index, term)) this.persisted = Math.max(this.persisted, index);
  }

  /** The log becomes the point (index, term) of a received snapshot. */
  restore(index: number, term: number): void {
    this.entries = [];
    this.prevIndex = index;
    this.prevTerm = term;
    this.committed = index;
    this.persisted = index;
    this.unstableFrom = index + 1;
  }

  /** Drops entries up to `index` (which must be durable). */
  compact(index: number): void {
    if (index <= this.prevIndex) return;
    if (index > this.persisted) throw new Error(`cannot compact to ${index} beyond durable index ${this.persisted}`);
    this.prevTerm = this.term(index)!;
    this.entries = this.entries.slice(index - this.prevIndex);
    this.prevIndex = index;
  }
}
