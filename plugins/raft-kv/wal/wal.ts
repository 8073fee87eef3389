/**
 * The Raft write-ahead log: hard states, entries and snapshot markers appended to segment files,
 * each save() one write and one fdatasync. See wal-record.ts for the byte layout and
 * wal-segment.ts for how segments are created.
 */
import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Entry, HardState, SnapshotMeta } from '../raft/types.js';
import { DURABLE_APPEND, ensureDirDurable, fsyncDir, writeFully } from './durable-fs.js';
import { WalCorruptionError, WalUnusableError, WalUsageError } from './errors.js';
import { chainSeed, decodeRecord, RecordDecodeError, RecordEncoder, scanFrames } from './wal-record.js';
import { LogReplay } from './wal-replay.js';
import { createSegment, listSegments, removeLeftovers, segmentFileName, type SegmentName } from './wal-segment.js';

export interface WalLog {
  warn(obj: object, msg: string): void;
}

export interface WalOptions {
  /** A segment is closed once it holds at least this many bytes; default 64 MiB. */
  segmentBytes?: number;
  log?: WalLog;
}

export interface WalContents {
  metadata: string;
  hardState: HardState;
  snapshot?: SnapshotMeta;
  entries: Entry[];
}

export interface WalStats {
  fsyncs: number;
  bytesWritten: number;
  segments: number;
}

const DEFAULT_SEGMENT_BYTES = 64 << 20;

function checkOptions(options: WalOptions): void {
  const { segmentBytes } = options;
  if (segmentBytes !== undefined && !(Number.isSafeInteger(segmentBytes) && segmentBytes > 0)) {
    throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`);
  }
}

const defaultLog: WalLog = {
  warn: (obj, msg) => process.emitWarning(`${msg} ${JSON.stringify(obj)}`, 'WalWarning'),
};

interface OpenState {
  dir: string;
  metadata: string;
  segments: SegmentName[];
  handle: FileHandle;
  offset: number;
  crc: number;
  lastIndex: number;
  hardState: HardState;
  snapshot: SnapshotMeta | undefined;
  fsyncs: number;
  bytesWritten: number;
}

export class Wal {
  private readonly dir: string;
  private readonly metadata: string;
  private readonly segmentBytes: number;
  private readonly segments: SegmentName[];
  private readonly encoder = new RecordEncoder();
  private handle: FileHandle;
  /** Size of the newest segment, where the next record goes. */
  private offset: number;
  /** Checksum of the newest record: the seed of the next one. */
  private crc: number;
  private lastIndex: number;
  private hardState: HardState;
  private snapshot: SnapshotMeta | undefined;
  private fsyncs: number;
  private bytesWritten: number;
  private queue: Promise<unknown> = Promise.resolve();
  private unusable: Error | undefined;
  private closed = false;

  private constructor(state: OpenState, options: WalOptions) {
    this.dir = state.dir;
    this.metadata = state.metadata;
    this.segments = state.segments;
    this.handle = state.handle;
    this.offset = state.offset;
    this.crc = state.crc;
    this.lastIndex = state.lastIndex;
    this.hardState = state.hardState;
    this.snapshot = state.snapshot;
    this.fsyncs = state.fsyncs;
    this.bytesWritten = state.bytesWritten;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  }

  /** Whether `dir` holds a WAL: at least one non-empty segment file. */
  static async exists(dir: string): Promise<boolean> {
    const { segments } = await listSegments(dir);
    for (const segment of segments) {
      const size = await stat(path.join(dir, segment.file)).then(
        (info) => info.size,
        () => 0,
      );
      if (size > 0) return true;
    }
    return false;
  }

  static async create(dir: string, metadata: string, options: WalOptions = {}): Promise<Wal> {
    checkOptions(options);
    if (typeof metadata !== 'string') throw new TypeError('WAL metadata must be a string');
    if (await Wal.exists(dir)) throw new WalUsageError(`a WAL already exists in ${dir}`);
    let fsyncs = await ensureDirDurable(dir);
    const { segments, leftovers } = await listSegments(dir);
    // Only empty segment files can be here (exists() said so): debris of an interrupted create.
    await removeLeftovers(dir, [...leftovers, ...segments.map((segment) => segment.file)]);
    const encoder = new RecordEncoder(4096);
    const crc = encoder.metadata(metadata, chainSeed(0));
    const bytes = encoder.bytes();
    const name = segmentFileName(0, 1);
    const created = await createSegment(dir, name, bytes);
    fsyncs += created.syncs;
    const state: OpenState = {
      dir,
      metadata,
      segments: [{ sequence: 0, firstIndex: 1, file: name }],
      handle: created.handle,
      offset: bytes.length,
      crc,
      lastIndex: 0,
      hardState: { term: 0, vote: null, commit: 0 },
      snapshot: undefined,
      fsyncs,
      bytesWritten: bytes.length,
    };
    return new Wal(state, options);
  }

  static async open(dir: string, options: WalOptions = {}): Promise<{ wal: Wal; contents: WalContents }> {
    checkOptions(options);
    const log = options.log ?? defaultLog;
    if (!(await Wal.exists(dir))) throw new WalUsageError(`no WAL in ${dir}`);
    const { segments, leftovers } = await listSegments(dir);
    await removeLeftovers(dir, leftovers);
    for (let i = 1; i < segments.length; i++) {
      if (segments[i]!.sequence !== segments[0]!.sequence + i) {
        throw new WalCorruptionError(path.join(dir, segments[i]!.file), 0, `segment ${segments[0]!.sequence + i} is missing before it`);
      }
    }

    const replay = new LogReplay();
    let fsyncs = 0;
    let tail: { segment: SegmentName; end: number; crc: number; torn?: { offset: number; size: number; reason: string } } | undefined;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const file = path.join(dir, segment.file);
      const isLast = i === segments.length - 1;
      const image = await readFile(file);
      replay.beginSegment();
      const scan = scanFrames(image, chainSeed(segment.sequence), (payload, offset) => {
        let record;
        try {
          record = decodeRecord(payload);
        } catch (error) {
          if (error instanceof RecordDecodeError) throw new WalCorruptionError(file, offset, error.message);
          throw error;
        }
        replay.apply(record, file, offset);
      });
      if (scan.bad && (!isLast || scan.bad.followedByValid)) {
        const where = isLast ? 'a valid record follows it' : 'later segments follow it';
        throw new WalCorruptionError(file, scan.bad.offset, `${scan.bad.reason}; ${where}`);
      }
      if (scan.end === 0) {
        if (!isLast) throw new WalCorruptionError(file, 0, 'segment holds no records');
        if (i === 0) throw new WalCorruptionError(file, 0, scan.bad ? `${scan.bad.reason}; the WAL has no intact record` : 'the only segment is empty');
        // A last segment with nothing intact: its first write never completed.
        log.warn({ file, offset: 0, size: image.length, reason: scan.bad?.reason ?? 'empty segment' }, 'WAL: removing a torn last segment');
        await unlink(file);
        await fsyncDir(dir);
        fsyncs++;
        segments.pop();
        break;
      }
      tail = { segment, end: scan.end, crc: scan.crc };
      if (scan.bad) tail.torn = { offset: scan.bad.offset, size: image.length, reason: scan.bad.reason };
    }
    replay.finish();
    if (!tail || replay.metadata === undefined) throw new WalCorruptionError(dir, 0, 'no intact segment');

    const tailFile = path.join(dir, tail.segment.file);
    const handle = await open(tailFile, DURABLE_APPEND);
    try {
      const { size } = await handle.stat();
      if (size !== tail.end) {
        // A crash mid-write: the record was never acknowledged, so dropping it loses nothing.
        log.warn({ file: tailFile, offset: tail.end, size, reason: tail.torn?.reason ?? 'file changed while opening' }, 'WAL: truncating a torn record at the tail');
        await handle.truncate(tail.end);
        await handle.datasync();
        fsyncs++;
      }
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }

    const state: OpenState = {
      dir,
      metadata: replay.metadata,
      segments,
      handle,
      offset: tail.end,
      crc: tail.crc,
      lastIndex: replay.lastIndex,
      hardState: replay.hardState,
      snapshot: replay.snapshot,
      fsyncs,
      bytesWritten: 0,
    };
    const contents: WalContents = { metadata: replay.metadata, hardState: { ...replay.hardState }, entries: replay.entries };
    if (replay.snapshot) contents.snapshot = replay.snapshot;
    return { wal: new Wal(state, options), contents };
  }

  get stats(): WalStats {
    return { fsyncs: this.fsyncs, bytesWritten: this.bytesWritten, segments: this.segments.length };
  }

  /** Durable when resolved. Entries must be contiguous and continue (or overwrite a suffix of) the log. */
  save(hardState: HardState | undefined, entries: readonly Entry[]): Promise<void> {
    // Taken now: a caller may reuse its array while this save waits behind another.
    const state = hardState && { ...hardState };
    const batch = entries.slice();
    return this.serialize(async () => {
      if (!state && batch.length === 0) return;
      this.checkEntries(batch);
      const first = batch[0];
      await this.append(first ? first.index : this.lastIndex + 1, (seed) => this.encoder.batch(state, batch, seed));
      if (state) this.hardState = state;
      const last = batch.at(-1);
      if (last) this.lastIndex = last.index;
    });
  }

  saveSnapshotMarker(meta: SnapshotMeta): Promise<void> {
    const marker: SnapshotMeta = { index: meta.index, term: meta.term, conf: { voters: [...meta.conf.voters], learners: [...meta.conf.learners] } };
    return this.serialize(async () => {
      await this.append(Math.max(this.lastIndex, marker.index) + 1, (seed) => this.encoder.snapshot(marker, seed));
      if (!this.snapshot || marker.index >= this.snapshot.index) this.snapshot = marker;
      this.lastIndex = Math.max(this.lastIndex, marker.index);
    });
  }

  /**
   * Deletes the oldest segments whose entries are all <= index. Never goes past the latest
   * snapshot marker, so replay never needs a deleted record, and never deletes the newest segment.
   */
  releaseTo(index: number): Promise<void> {
    return this.serialize(async () => {
      const limit = Math.min(index, this.snapshot?.index ?? 0);
      let removed = 0;
      try {
        while (this.segments.length > 1 && this.segments[1]!.firstIndex <= limit + 1) {
          await unlink(path.join(this.dir, this.segments[0]!.file));
          this.segments.shift();
          removed++;
        }
      } finally {
        if (removed > 0) {
          await fsyncDir(this.dir);
          this.fsyncs++;
        }
      }
    });
  }

  close(): Promise<void> {
    const closing = this.queue.then(async () => {
      if (this.closed) return;
      this.closed = true;
      this.unusable = new WalUnusableError(`WAL in ${this.dir} is closed`);
      await this.handle.close();
    });
    this.queue = closing.catch(() => undefined);
    return closing;
  }

  private serialize(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => {
      if (this.unusable) throw this.unusable;
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes one record (opening a new segment first when the current one is full) and fdatasyncs. */
  private async append(firstIndex: number, encode: (seed: number) => number): Promise<void> {
    this.encoder.reset();
    const rotate = this.offset >= this.segmentBytes;
    const sequence = rotate ? this.segments.at(-1)!.sequence + 1 : this.segments.at(-1)!.sequence;
    let seed = this.crc;
    if (rotate) {
      // Each segment repeats what replay needs from the ones releaseTo may delete.
      seed = this.encoder.metadata(this.metadata, chainSeed(sequence));
      seed = this.encoder.batch(this.hardState, [], seed);
      if (this.snapshot) seed = this.encoder.snapshot(this.snapshot, seed);
    }
    const crc = encode(seed);
    const bytes = this.encoder.bytes();
    try {
      if (rotate) {
        const name = segmentFileName(sequence, firstIndex);
        const created = await createSegment(this.dir, name, bytes);
        const previous = this.handle;
        this.handle = created.handle;
        this.segments.push({ sequence, firstIndex, file: name });
        this.offset = 0;
        this.fsyncs += created.syncs;
        await previous.close().catch(() => undefined);
      } else {
        // The handle is opened with O_DSYNC: the write returns once the data is on disk, in one
        // trip through the I/O thread pool instead of a write and then an fdatasync.
        await writeFully(this.handle, bytes, this.offset);
        this.fsyncs++;
      }
    } catch (error) {
      // After a failed write or fsync the file's contents are unknown (and a retried fsync can
      // report success for pages the kernel already dropped): refuse all further writes.
      this.unusable = new WalUnusableError(`WAL unusable after a failed write to ${this.dir}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    this.offset += bytes.length;
    this.crc = crc;
    this.bytesWritten += bytes.length;
  }

  private checkEntries(entries: readonly Entry[]): void {
    const first = entries[0];
    if (!first) return;
    for (let i = 1; i < entries.length; i++) {
      if (entries[i]!.index !== first.index + i) {
        throw new WalUsageError(`entries must have consecutive indexes: ${entries[i]!.index} follows ${entries[i - 1]!.index}`);
      }
    }
    if (!(first.index >= 1)) throw new WalUsageError(`entry index must be at least 1, got ${first.index}`);
    if (first.index > this.lastIndex + 1) throw new WalUsageError(`entry index ${first.index} leaves a gap after ${this.lastIndex}`);
  }
}
