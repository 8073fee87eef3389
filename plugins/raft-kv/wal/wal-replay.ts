/** Rebuilds the log from WAL records in write order, as Raft wrote it. */
import type { Entry, HardState, SnapshotMeta } from '../raft/types.js';
import { WalCorruptionError } from './errors.js';
import type { WalRecord } from './wal-record.js';

interface Source {
  file: string;
  offset: number;
}

export class LogReplay {
  metadata: string | undefined;
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: SnapshotMeta | undefined;
  entries: Entry[] = [];
  private segmentStarted = false;
  /** Where the oldest kept entry (or the marker that emptied the log) came from, for error messages. */
  private firstSource: Source | undefined;

  beginSegment(): void {
    this.segmentStarted = false;
  }

  apply(record: WalRecord, file: string, offset: number): void {
    if (!this.segmentStarted) {
      if (record.kind !== 'metadata') throw new WalCorruptionError(file, offset, `segment starts with a ${record.kind} record, not metadata`);
      if (this.metadata !== undefined && record.metadata !== this.metadata) {
        throw new WalCorruptionError(file, offset, 'segment metadata differs from the earlier segments');
      }
      this.metadata = record.metadata;
      this.segmentStarted = true;
      return;
    }
    switch (record.kind) {
      case 'metadata':
        throw new WalCorruptionError(file, offset, 'metadata record in the middle of a segment');
      case 'batch':
        for (const entry of record.entries) this.append(entry, file, offset);
        if (record.hardState) this.hardState = record.hardState;
        return;
      case 'snapshot':
        this.applySnapshot(record.meta, file, offset);
        return;
    }
  }

  get lastIndex(): number {
    const last = this.entries.at(-1);
    return last ? last.index : (this.snapshot?.index ?? 0);
  }

  /** The log must continue right after the snapshot; anything else means records went missing. */
  finish(): void {
    const first = this.entries[0];
    if (this.snapshot && first && first.index !== this.snapshot.index + 1) {
      const source = this.firstSource!;
      throw new WalCorruptionError(source.file, source.offset, `log resumes at index ${first.index} but the snapshot marker ends at ${this.snapshot.index}`);
    }
  }

  private append(entry: Entry, file: string, offset: number): void {
    if (this.snapshot && entry.index <= this.snapshot.index) return;
    const entries = this.entries;
    const first = entries[0];
    if (!first) {
      entries.push(entry);
      this.firstSource = { file, offset };
      return;
    }
    const last = entries[entries.length - 1]!;
    if (entry.index <= last.index) {
      if (entry.index < first.index) {
        entries.length = 0;
        this.firstSource = { file, offset };
      } else {
        entries.length = entry.index - first.index;
      }
    } else if (entry.index > last.index + 1) {
      throw new WalCorruptionError(file, offset, `entry index ${entry.index} leaves a gap after ${last.index}`);
    }
    entries.push(entry);
  }

  private applySnapshot(meta: SnapshotMeta, file: string, offset: number): void {
    if (this.snapshot && meta.index < this.snapshot.index) return;
    this.snapshot = meta;
    const entries = this.entries;
    const first = entries[0];
    if (!first || first.index > meta.index) return;
    if (entries[entries.length - 1]!.index <= meta.index) {
      entries.length = 0;
      this.firstSource = { file, offset };
    } else {
      entries.splice(0, meta.index - first.index + 1);
    }
  }
}
