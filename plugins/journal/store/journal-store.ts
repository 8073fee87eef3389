import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Journal, JournalEntry, JournalFields, JournalQuery, Logger } from '../../../core/index.js';
import type { JournalConfig } from '../config.js';
import { RateLimiter, suppressionEntry } from '../ingest/rate-limiter.js';
import { formatCursor, parseCursor } from './cursor.js';
import { prepareEntry, type JournalIdentity, type PreparedEntry } from './entry-fields.js';
import { FileSyncer } from './file-syncer.js';
import { candidates, fieldsMatch, planQuery, segmentMayMatch, type QueryPlan } from './query-plan.js';
import { segmentsToDrop } from './retention.js';
import { decodePayload, parseSegmentHeader, RecordBatch, scanRecords, SegmentReader, segmentHeader, type RawRecord } from './segment-file.js';
import { parseIndexFile, priorityBit, readIndexMeta, SegmentIndex, writeIndexFile, type SegmentMeta } from './segment-index.js';

export type { JournalIdentity } from './entry-fields.js';

/** Time source in µs; tests replace it. */
export interface JournalClock {
  realtimeUs(): number;
  monotonicUs(): number;
}

const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);
let realtimeBase = Date.now() * 1000 - hrtimeUs();

/** Wall clock with µs resolution: the monotonic clock offset to Date.now(), re-based when they drift apart by a millisecond. */
export const systemClock: JournalClock = {
  realtimeUs: () => {
    const mono = hrtimeUs();
    const wall = Date.now() * 1000;
    if (Math.abs(realtimeBase + mono - wall) > 1000) realtimeBase = wall - mono;
    return realtimeBase + mono;
  },
  monotonicUs: hrtimeUs,
};

export interface JournalStoreOptions {
  clock?: JournalClock;
  /** Free bytes on the journal's filesystem; statfs by default. */
  freeBytes?: (dir: string) => Promise<number>;
  /** How often retention runs besides on each segment rotation; 60 s by default. */
  retentionCheckMs?: number;
}

export interface JournalUsage {
  /** Segment and index files, in bytes. */
  bytes: number;
  files: number;
  entries: number;
  firstSeq?: number;
  lastSeq?: number;
}

export interface VacuumOptions {
  /** Drop the oldest sealed segments until the journal uses at most this many bytes. */
  size?: number;
  /** Drop sealed segments whose newest entry is older than this many milliseconds. */
  time?: number;
}

export interface VacuumResult {
  removedFiles: number;
  freedBytes: number;
}

interface Segment {
  readonly path: string;
  readonly idxPath: string;
  meta: SegmentMeta;
  diskBytes: number;
}

interface Active {
  segment: Segment;
  file: FileSyncer;
  index: SegmentIndex;
}

interface PendingBatch {
  records: RecordBatch;
  firstSeq: number;
  rotateBefore: boolean;
  offsets: number[];
  realtimes: number[];
  priorities: number[];
  units: (string | undefined)[];
}

const SEGMENT_NAME = /^seg-(\d{20})\.jseg$/;
const MAX_BATCH_BYTES = 1024 * 1024;
const INDEX_CACHE = 16;
/** Bytes of the latest written batches kept in memory, so follows read new entries without file I/O. */
const RECENT_BYTES = 4 * 1024 * 1024;

const segmentName = (firstSeq: number) => `seg-${String(firstSeq).padStart(20, '0')}.jseg`;
const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * The journal on disk: append-only segment files, each with an entry index, under one directory.
 *
 * `append` validates, rate-limits and queues entries and resolves once they are queued; queued
 * entries are written and fdatasync'ed every `flushInterval` or as soon as a batch reaches 1 MiB.
 * `flush()` resolves when everything queued before it is durable. Queries and follows first write
 * what is queued, so they see every entry appended before them; they do not wait for its sync,
 * and neither does the next write.
 */
export class JournalStore implements Journal {
  private readonly segments: Segment[] = [];
  private active?: Active;
  private readonly indexCache = new Map<Segment, SegmentIndex>();
  private pending: PendingBatch[] = [];
  private recent: PendingBatch[] = [];
  private recentBytes = 0;
  private nextSeq = 1;
  private lastRt = -Infinity;
  /** Highest seqnum written to a segment (visible to queries). */
  private visibleSeq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly events = new EventEmitter();
  private readonly limiter: RateLimiter;
  private readonly clock: JournalClock;
  private readonly batchLimit: number;

  private constructor(
    readonly dir: string,
    private readonly config: JournalConfig,
    private readonly identity: JournalIdentity,
    private readonly log: Logger,
    readonly journalId: string,
    private readonly options: JournalStoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.limiter = new RateLimiter(config.rateLimitInterval, config.rateLimitBurst);
    this.batchLimit = Math.max(4096, Math.min(MAX_BATCH_BYTES, Math.floor(config.maxFileSize / 4)));
    this.events.setMaxListeners(0);
  }

  static async open(dir: string, config: JournalConfig, identity: JournalIdentity, log: Logger, options: JournalStoreOptions = {}): Promise<JournalStore> {
    await mkdir(dir, { recursive: true });
    const store = new JournalStore(dir, config, identity, log, await journalIdOf(dir), options);
    await store.load();
    await store.exclusive(() => store.enforceRetention());
    const every = options.retentionCheckMs ?? 60_000;
    store.retentionTimer = setInterval(() => {
      store.exclusive(() => store.enforceRetention()).catch((err: unknown) => log.warn({ err }, 'journal retention failed'));
    }, every).unref();
    return store;
  }

  /** Entries appended but not yet written. */
  get queued(): number {
    return this.pending.reduce((n, b) => n + b.offsets.length, 0);
  }

  /** Live `follow` iterators (each holds one listener while it runs). */
  get followers(): number {
    return this.events.listenerCount('append');
  }

  append(input: JournalFields | readonly JournalFields[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    const list = (Array.isArray(input) ? input : [input]) as readonly JournalFields[];
    let prepared: PreparedEntry[];
    try {
      prepared = list.map((fields) => prepareEntry(fields, this.identity));
    } catch (err) {
      return Promise.reject(err);
    }
    const limiting = this.limiter.enabled;
    const nowMs = limiting ? this.clock.monotonicUs() / 1000 : 0;
    for (const entry of prepared) {
      if (limiting && entry.transport !== 'driver') {
        const unit = entry.unit ?? '';
        const decision = this.limiter.check(unit, nowMs);
        if (decision.suppressedBefore > 0) this.enqueue(prepareEntry(suppressionEntry(unit, decision.suppressedBefore), this.identity));
        if (!decision.allowed) continue;
      }
      this.enqueue(entry);
    }
    return Promise.resolve();
  }

  /** Writes and syncs everything queued so far. */
  async flush(): Promise<void> {
    const { durable } = await this.exclusive(() => this.writePending());
    await durable;
  }

  /** Writes everything queued so far, without waiting for it to reach the disk. */
  private async publish(): Promise<void> {
    await this.exclusive(() => this.writePending());
  }

  query(query: JournalQuery): AsyncIterable<JournalEntry> {
    return this.queryEntries(query);
  }

  private async *queryEntries(query: JournalQuery): AsyncGenerator<JournalEntry> {
    const plan = this.plan(query);
    await this.publish();
    yield* this.run(plan, this.visibleSeq);
  }

  /**
   * The entries `query` selects (so `lines: 10` starts with the last ten, `lines: 0` with none),
   * then each new matching entry once it is written, until `signal` aborts or the journal closes.
   */
  follow(query: JournalQuery, signal: AbortSignal): AsyncIterable<JournalEntry> {
    return this.followEntries(query, signal);
  }

  private async *followEntries(query: JournalQuery, signal: AbortSignal): AsyncGenerator<JournalEntry> {
    if (query.reverse) throw new TypeError('follow cannot run in reverse');
    const plan = this.plan(query);
    let wake: (() => void) | undefined;
    let dirty = false;
    const poke = () => {
      dirty = true;
      const w = wake;
      wake = undefined;
      w?.();
    };
    this.events.on('append', poke);
    this.events.on('close', poke);
    signal.addEventListener('abort', poke);
    const stopped = () => signal.aborted || this.closed;
    try {
      if (stopped()) return;
      await this.publish();
      let upTo = this.visibleSeq;
      for await (const entry of this.run(plan, upTo)) {
        if (stopped()) return;
        yield entry;
      }
      const live: QueryPlan = { ...plan, lines: undefined };
      while (!stopped()) {
        if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
        dirty = false;
        if (stopped()) return;
        const newest = this.visibleSeq;
        if (newest <= upTo) continue;
        const fresh: QueryPlan = { ...live, minSeq: Math.max(live.minSeq, upTo + 1), maxSeq: Math.min(live.maxSeq, newest) };
        const inMemory = this.recentEntries(fresh);
        for await (const entry of inMemory ?? this.run(fresh, newest)) {
          if (stopped()) return;
          yield entry;
        }
        upTo = newest;
      }
    } finally {
      wake = undefined;
      this.events.off('append', poke);
      this.events.off('close', poke);
      signal.removeEventListener('abort', poke);
    }
  }

  /** Drops the oldest sealed segments by size and/or age (journalctl --vacuum-size/--vacuum-time). */
  vacuum(options: VacuumOptions): Promise<VacuumResult> {
    return this.exclusive(async () => {
      const limits = { maxUse: options.size ?? Infinity, keepFree: 0, maxAgeUs: (options.time ?? 0) * 1000 };
      const n = segmentsToDrop(this.retained(), this.usedBytes(), Infinity, this.clock.realtimeUs(), limits);
      return this.drop(n);
    });
  }

  /** Seals the active segment; the next write starts a new one. */
  rotate(): Promise<void> {
    return this.exclusive(async () => {
      await this.writePending();
      await this.seal();
      await this.enforceRetention();
    });
  }

  usage(): JournalUsage {
    const withEntries = this.segments.filter((s) => s.meta.count > 0);
    const first = withEntries[0];
    return {
      bytes: this.usedBytes(),
      files: this.segments.length,
      entries: this.segments.reduce((n, s) => n + s.meta.count, 0),
      firstSeq: first?.meta.firstSeq,
      lastSeq: this.visibleSeq || undefined,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.retentionTimer);
    await this.flush();
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.events.emit('close');
    await this.exclusive(async () => {
      const active = this.active;
      if (!active) return;
      this.active = undefined;
      await active.file.close();
      await this.writeIndex(active.segment, active.index);
    });
  }

  // ---- writing

  private enqueue(entry: PreparedEntry): void {
    let rt = this.clock.realtimeUs();
    const mono = this.clock.monotonicUs();
    let batch = this.pending[this.pending.length - 1];
    const backwards = rt < this.lastRt;
    if (!batch || backwards || batch.records.used >= this.batchLimit) {
      batch = { records: new RecordBatch(this.batchLimit + 64 * 1024), firstSeq: this.nextSeq, rotateBefore: backwards, offsets: [], realtimes: [], priorities: [], units: [] };
      this.pending.push(batch);
    }
    rt = Math.max(0, Math.floor(rt));
    this.lastRt = rt;
    batch.offsets.push(batch.records.add(this.nextSeq, rt, Math.max(0, Math.floor(mono)), entry.priority, entry.json));
    batch.realtimes.push(rt);
    batch.priorities.push(entry.priority);
    batch.units.push(entry.unit);
    this.nextSeq++;
    if (batch.records.used >= this.batchLimit) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      setImmediate(() => this.backgroundFlush());
    } else if (!this.flushTimer) {
      // Someone is following: deliver on the next turn (still one write for all entries appended
      // in this one) rather than after the flush interval.
      this.flushTimer = setTimeout(() => this.backgroundFlush(), this.followers > 0 ? 0 : this.config.flushInterval);
    }
  }

  private backgroundFlush(): void {
    this.flushTimer = undefined;
    this.publish().catch((err: unknown) => this.log.error({ err }, 'journal write failed'));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes the queued batches; `durable` settles once they are synced. */
  private async writePending(): Promise<{ durable: Promise<void> }> {
    const batches = this.pending;
    if (batches.length === 0) return { durable: this.active?.file.sync() ?? Promise.resolve() };
    this.pending = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    let rotated = false;
    let written: Active | undefined;
    try {
      for (const batch of batches) {
        let active = this.active;
        const full = active && active.index.end + batch.records.used > this.config.maxFileSize;
        // After a failed sync the kernel may have dropped dirty pages: start a fresh file.
        if (active && active.index.count > 0 && (batch.rotateBefore || full || active.file.failed)) {
          await this.seal();
          rotated = true;
          active = undefined;
        }
        active ??= await this.createSegment(batch.firstSeq);
        await this.writeBatch(active, batch);
        written = active;
      }
      // Followers read what is written, as journalctl -f does; the sync is for crash safety and,
      // while anyone follows, runs beside later writes rather than in front of them.
      const durable = written?.file.sync() ?? Promise.resolve();
      durable.catch((err: unknown) => this.log.error({ err }, 'journal sync failed'));
      // With nobody following, the next write waits for this sync: fewer, larger writes ingest faster.
      if (this.followers === 0) await durable.catch(() => undefined);
      return { durable };
    } catch (err) {
      // Unwritten entries are lost; continue in a fresh segment so seqnums stay contiguous per segment.
      if (this.active) await this.seal().catch(() => undefined);
      throw err;
    } finally {
      this.events.emit('append');
      if (rotated) await this.enforceRetention().catch((err: unknown) => this.log.warn({ err }, 'journal retention failed'));
    }
  }

  private async writeBatch(active: Active, batch: PendingBatch): Promise<void> {
    const { index, segment } = active;
    const expected = segment.meta.firstSeq + index.count;
    if (batch.firstSeq !== expected) throw new Error(`journal seqnum gap: segment expects ${expected}, batch starts at ${batch.firstSeq}`);
    const base = index.end;
    const { records } = batch;
    const n = batch.offsets.length;
    await active.file.file.write(records.buf, 0, records.used, base);
    active.file.wrote();
    const meta = segment.meta;
    for (let i = 0; i < n; i++) {
      const end = base + (i + 1 < n ? batch.offsets[i + 1]! : records.used);
      const rt = batch.realtimes[i]!;
      const unit = batch.units[i];
      index.add(base + batch.offsets[i]!, end, rt, batch.priorities[i]!, unit);
      if (rt < meta.minRt) meta.minRt = rt;
      if (rt > meta.maxRt) meta.maxRt = rt;
      meta.priorityMask |= priorityBit(batch.priorities[i]!);
      if (unit !== undefined) meta.units.set(unit, (meta.units.get(unit) ?? 0) + 1);
    }
    meta.count = index.count;
    meta.bytes = index.end;
    segment.diskBytes += records.used;
    this.visibleSeq = batch.firstSeq + n - 1;
    this.remember(batch);
  }

  private remember(batch: PendingBatch): void {
    // Only followers read these; without them the buffers would only keep the GC busy.
    if (this.followers === 0) {
      this.recent = [];
      this.recentBytes = 0;
      return;
    }
    this.recent.push(batch);
    this.recentBytes += batch.records.used;
    while (this.recent.length > 1 && this.recentBytes > RECENT_BYTES) this.recentBytes -= this.recent.shift()!.records.used;
  }

  /** The plan's entries from the batches still in memory; undefined when they do not reach back to plan.minSeq. */
  private recentEntries(plan: QueryPlan): JournalEntry[] | undefined {
    const oldest = this.recent[0];
    if (!oldest || oldest.firstSeq > plan.minSeq) return undefined;
    const out: JournalEntry[] = [];
    for (const batch of this.recent) {
      const n = batch.offsets.length;
      const from = Math.max(0, plan.minSeq - batch.firstSeq);
      const to = Math.min(n - 1, plan.maxSeq - batch.firstSeq);
      for (let i = from; i <= to; i++) {
        const rt = batch.realtimes[i]!;
        if (rt < plan.minRt || rt > plan.maxRt || (plan.priorityMask & priorityBit(batch.priorities[i]!)) === 0) continue;
        if (plan.units && !plan.units.has(batch.units[i] ?? '')) continue;
        const end = i + 1 < n ? batch.offsets[i + 1]! : batch.records.used;
        const raw = decodePayload(batch.records.buf, batch.offsets[i]!, end);
        const fields = JSON.parse(raw.json) as Record<string, string>;
        if (plan.matches.length > 0 && !fieldsMatch(fields, plan)) continue;
        out.push(this.toEntry(raw, fields));
      }
    }
    return out;
  }

  private async createSegment(firstSeq: number): Promise<Active> {
    const file = path.join(this.dir, segmentName(firstSeq));
    const handle = await open(file, 'w+');
    await handle.write(segmentHeader(this.journalId, firstSeq), 0, 32, 0);
    const index = new SegmentIndex();
    const segment: Segment = { path: file, idxPath: `${file}.idx`, meta: index.meta(firstSeq), diskBytes: index.end };
    this.segments.push(segment);
    this.active = { segment, file: new FileSyncer(handle, this.dir), index };
    return this.active;
  }

  private async seal(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    await active.file.close();
    await this.writeIndex(active.segment, active.index);
    if (active.index.count === 0) {
      // An empty segment holds nothing to keep.
      await this.removeSegment(active.segment);
    }
  }

  private async writeIndex(segment: Segment, index: SegmentIndex): Promise<void> {
    await writeIndexFile(segment.idxPath, index, segment.meta.firstSeq);
    segment.diskBytes = index.end + (await stat(segment.idxPath)).size;
  }

  // ---- retention

  private sealed(): Segment[] {
    return this.active ? this.segments.slice(0, -1) : this.segments.slice();
  }

  private retained(): { diskBytes: number; maxRt: number }[] {
    return this.sealed().map((s) => ({ diskBytes: s.diskBytes, maxRt: s.meta.maxRt }));
  }

  private usedBytes(): number {
    return this.segments.reduce((n, s) => n + s.diskBytes, 0);
  }

  private async freeBytes(): Promise<number> {
    if (this.options.freeBytes) return this.options.freeBytes(this.dir);
    const fs = await statfs(this.dir);
    return fs.bavail * fs.bsize;
  }

  private async enforceRetention(): Promise<void> {
    const sealed = this.retained();
    if (sealed.length === 0) return;
    const limits = { maxUse: this.config.maxUse, keepFree: this.config.keepFree, maxAgeUs: this.config.maxRetention * 1000 };
    const free = limits.keepFree > 0 ? await this.freeBytes() : Infinity;
    const n = segmentsToDrop(sealed, this.usedBytes(), free, this.clock.realtimeUs(), limits);
    if (n > 0) {
      const { freedBytes } = await this.drop(n);
      this.log.info({ removedFiles: n, freedBytes }, 'journal retention removed old segments');
    }
  }

  private async drop(n: number): Promise<VacuumResult> {
    const victims = this.sealed().slice(0, n);
    let freedBytes = 0;
    for (const segment of victims) {
      freedBytes += segment.diskBytes;
      await this.removeSegment(segment);
    }
    return { removedFiles: victims.length, freedBytes };
  }

  private async removeSegment(segment: Segment): Promise<void> {
    const at = this.segments.indexOf(segment);
    if (at >= 0) this.segments.splice(at, 1);
    this.indexCache.delete(segment);
    await rm(segment.path, { force: true });
    await rm(segment.idxPath, { force: true });
  }

  // ---- reading

  private plan(query: JournalQuery): QueryPlan {
    const plan = planQuery(query);
    if (query.cursor !== undefined && query.afterCursor !== undefined) throw new TypeError('give either cursor or afterCursor, not both');
    const text = query.afterCursor ?? query.cursor;
    if (text === undefined) return plan;
    const cursor = parseCursor(text);
    const skip = query.afterCursor !== undefined ? 1 : 0;
    if (cursor.journalId === this.journalId) {
      if (plan.reverse) plan.maxSeq = Math.min(plan.maxSeq, cursor.seq - skip);
      else plan.minSeq = Math.max(plan.minSeq, cursor.seq + skip);
    } else if (plan.reverse) {
      plan.maxRt = Math.min(plan.maxRt, cursor.realtimeUs - skip);
    } else {
      plan.minRt = Math.max(plan.minRt, cursor.realtimeUs + skip);
    }
    return plan;
  }

  private async *run(plan: QueryPlan, upToSeq: number): AsyncGenerator<JournalEntry> {
    const bounded: QueryPlan = { ...plan, maxSeq: Math.min(plan.maxSeq, upToSeq) };
    const segments = this.segments.filter((s) => segmentMayMatch(s.meta, bounded));
    if (bounded.lines === undefined) {
      if (bounded.reverse) segments.reverse();
      yield* this.scan(segments, bounded, bounded.reverse);
      return;
    }
    if (bounded.lines === 0) return;
    const last: JournalEntry[] = [];
    for await (const entry of this.scan(segments.reverse(), bounded, true)) {
      last.push(entry);
      if (last.length >= bounded.lines) break;
    }
    if (!bounded.reverse) last.reverse();
    yield* last;
  }

  private async *scan(segments: readonly Segment[], plan: QueryPlan, backward: boolean): AsyncGenerator<JournalEntry> {
    for (const segment of segments) {
      const index = await this.indexOf(segment);
      if (!index) continue;
      let reader: SegmentReader | undefined;
      try {
        for (const i of candidates(index, segment.meta.firstSeq, plan, backward)) {
          if (!reader) {
            try {
              reader = await SegmentReader.open(segment.path);
            } catch (err) {
              if (isMissing(err)) break;
              throw err;
            }
          }
          const raw = await reader.record(index.offsets[i]!, index.recordEnd(i), backward);
          const fields = JSON.parse(raw.json) as Record<string, string>;
          if (plan.matches.length > 0 && !fieldsMatch(fields, plan)) continue;
          yield this.toEntry(raw, fields);
        }
      } finally {
        await reader?.close();
      }
    }
  }

  private toEntry(raw: RawRecord, fields: Record<string, string>): JournalEntry {
    return {
      fields,
      cursor: formatCursor({
        journalId: this.journalId,
        seq: raw.seq,
        realtimeUs: raw.realtimeUs,
        monotonicUs: raw.monotonicUs,
        bootId: fields._BOOT_ID ?? '',
        machineId: fields._MACHINE_ID ?? '',
      }),
      realtimeUs: BigInt(raw.realtimeUs),
      monotonicUs: BigInt(raw.monotonicUs),
    };
  }

  private async indexOf(segment: Segment): Promise<SegmentIndex | undefined> {
    if (this.active?.segment === segment) return this.active.index;
    const cached = this.indexCache.get(segment);
    if (cached) {
      this.indexCache.delete(segment);
      this.indexCache.set(segment, cached);
      return cached;
    }
    let index: SegmentIndex | undefined;
    try {
      index = parseIndexFile(await readFile(segment.idxPath)).index;
      if (index.end !== segment.meta.bytes) index = undefined;
    } catch (err) {
      if (!this.segments.includes(segment)) return undefined;
      this.log.warn({ err, segment: segment.path }, 'journal index unreadable; rebuilding it');
    }
    if (!index) {
      try {
        index = (await this.scanSegment(segment.path, false))?.index;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      if (!index) return undefined;
    }
    this.indexCache.set(segment, index);
    if (this.indexCache.size > INDEX_CACHE) this.indexCache.delete(this.indexCache.keys().next().value!);
    return index;
  }

  // ---- opening

  private async load(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    for (const [i, name] of names.entries()) {
      const file = path.join(this.dir, name);
      const last = i === names.length - 1;
      const size = (await stat(file)).size;
      const idxPath = `${file}.idx`;
      const meta = await readIndexMeta(idxPath);
      if (meta && meta.bytes === size) {
        const idxSize = (await stat(idxPath)).size;
        const segment: Segment = { path: file, idxPath, meta, diskBytes: size + idxSize };
        this.segments.push(segment);
        if (last) {
          const index = parseIndexFile(await readFile(idxPath)).index;
          this.active = { segment, file: new FileSyncer(await open(file, 'r+')), index };
        }
        continue;
      }
      const scanned = await this.scanSegment(file, true);
      if (!scanned) continue;
      const segment: Segment = { path: file, idxPath, meta: scanned.index.meta(scanned.firstSeq), diskBytes: scanned.index.end };
      this.segments.push(segment);
      if (last) this.active = { segment, file: new FileSyncer(await open(file, 'r+')), index: scanned.index };
      else await this.writeIndex(segment, scanned.index);
    }
    const newest = this.segments[this.segments.length - 1];
    if (newest) {
      this.nextSeq = newest.meta.firstSeq + newest.meta.count;
      this.visibleSeq = this.nextSeq - 1;
      if (newest.meta.count > 0) this.lastRt = newest.meta.maxRt;
    }
  }

  /** Rebuilds a segment's index from its records; with `repair`, cuts a torn or corrupt tail off the file. */
  private async scanSegment(file: string, repair: boolean): Promise<{ index: SegmentIndex; firstSeq: number } | undefined> {
    const buf = await readFile(file);
    const header = parseSegmentHeader(buf);
    if (!header) {
      if (repair) {
        this.log.warn({ segment: file }, 'journal segment has no valid header; set aside as .corrupt');
        await rm(`${file}.corrupt`, { force: true });
        await writeFile(`${file}.corrupt`, buf);
        await rm(file, { force: true });
      }
      return undefined;
    }
    const index = new SegmentIndex();
    let broken = false;
    let validEnd = scanRecords(buf, (offset, end) => {
      if (broken) return;
      const raw = decodePayload(buf, offset, end);
      if (raw.seq !== header.firstSeq + index.count || (index.count > 0 && raw.realtimeUs < index.realtimes[index.count - 1]!)) {
        broken = true;
        return;
      }
      let unit: string | undefined;
      try {
        unit = (JSON.parse(raw.json) as Record<string, string>)._SYSTEMD_UNIT;
      } catch {
        broken = true;
        return;
      }
      index.add(offset, end, raw.realtimeUs, raw.priority, unit);
    });
    if (broken) validEnd = index.end;
    if (repair && validEnd < buf.length) {
      this.log.warn({ segment: file, validBytes: validEnd, droppedBytes: buf.length - validEnd }, 'journal segment had a torn tail; truncated');
      await truncate(file, validEnd);
    }
    return { index, firstSeq: header.firstSeq };
  }
}

async function journalIdOf(dir: string): Promise<string> {
  const file = path.join(dir, 'journal.json');
  try {
    const { id } = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown };
    if (typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)) return id;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const id = randomBytes(16).toString('hex');
  await writeFile(`${file}.tmp`, `${JSON.stringify({ id })}\n`);
  await rename(`${file}.tmp`, file);
  return id;
}
