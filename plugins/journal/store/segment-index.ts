import { open, rename, writeFile } from 'node:fs/promises';
import { NO_PRIORITY, SEGMENT_HEADER_BYTES } from './segment-file.js';

/** What a query needs to know to skip a segment without reading it. */
export interface SegmentMeta {
  firstSeq: number;
  count: number;
  minRt: number;
  maxRt: number;
  /** Bits 0–7: priorities present; bit 8: entries without PRIORITY. */
  priorityMask: number;
  /** _SYSTEMD_UNIT → number of entries. */
  units: Map<string, number>;
  /** Segment file size the index describes. */
  bytes: number;
}

export function priorityBit(priority: number): number {
  return priority === NO_PRIORITY ? 1 << 8 : 1 << priority;
}

function grown<T extends Uint32Array | Float64Array | Uint8Array>(arr: T, need: number, make: (n: number) => T): T {
  if (need <= arr.length) return arr;
  const next = make(Math.max(need, arr.length * 2, 64));
  next.set(arr);
  return next;
}

/** Per-segment entry index: offsets, realtimes and priorities by entry number, entry numbers by unit. */
export class SegmentIndex {
  count = 0;

  constructor(
    public offsets = new Uint32Array(0),
    /** End of each record's bytes is the next offset; the last one ends at `end`. */
    public end = SEGMENT_HEADER_BYTES,
    public realtimes = new Float64Array(0),
    public priorities = new Uint8Array(0),
    public units = new Map<string, Uint32Array>(),
    public unitCounts = new Map<string, number>(),
  ) {}

  add(offset: number, end: number, realtimeUs: number, priority: number, unit: string | undefined): void {
    const i = this.count;
    this.offsets = grown(this.offsets, i + 1, (n) => new Uint32Array(n));
    this.realtimes = grown(this.realtimes, i + 1, (n) => new Float64Array(n));
    this.priorities = grown(this.priorities, i + 1, (n) => new Uint8Array(n));
    this.offsets[i] = offset;
    this.realtimes[i] = realtimeUs;
    this.priorities[i] = priority;
    if (unit !== undefined) {
      const n = this.unitCounts.get(unit) ?? 0;
      const list = grown(this.units.get(unit) ?? new Uint32Array(0), n + 1, (m) => new Uint32Array(m));
      list[n] = i;
      this.units.set(unit, list);
      this.unitCounts.set(unit, n + 1);
    }
    this.end = end;
    this.count = i + 1;
  }

  recordEnd(i: number): number {
    return i + 1 < this.count ? this.offsets[i + 1]! : this.end;
  }

  unitList(unit: string): Uint32Array | undefined {
    const list = this.units.get(unit);
    return list?.subarray(0, this.unitCounts.get(unit) ?? 0);
  }

  meta(firstSeq: number): SegmentMeta {
    let mask = 0;
    for (let i = 0; i < this.count; i++) mask |= priorityBit(this.priorities[i]!);
    return {
      firstSeq,
      count: this.count,
      minRt: this.count ? this.realtimes[0]! : Infinity,
      maxRt: this.count ? this.realtimes[this.count - 1]! : -Infinity,
      priorityMask: mask,
      units: new Map(this.unitCounts),
      bytes: this.end,
    };
  }
}

/** First i in [lo, hi) with arr[i] >= value (or hi). */
export function lowerBound(arr: ArrayLike<number>, value: number, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i in [lo, hi) with arr[i] > value (or hi). */
export function upperBound(arr: ArrayLike<number>, value: number, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/*
 * Sidecar index file (`<segment>.idx`), written when a segment is sealed or the journal closes:
 *   "FLJIDX01" | meta JSON length (u32 LE) | meta JSON | offsets (u32 × count) | realtimes (f64 × count)
 *   | priorities (u8 × count) | entry numbers of each unit in meta order (u32 × n)
 * It is trusted only while its `bytes` equals the segment's size.
 */
const IDX_MAGIC = Buffer.from('FLJIDX01', 'latin1');

interface MetaJson {
  firstSeq: number;
  count: number;
  minRt: number | null;
  maxRt: number | null;
  priorityMask: number;
  units: [string, number][];
  bytes: number;
}

function bytesOf(arr: Uint32Array | Float64Array | Uint8Array, count: number): Buffer {
  return Buffer.from(arr.buffer, arr.byteOffset, count * arr.BYTES_PER_ELEMENT);
}

export async function writeIndexFile(path: string, index: SegmentIndex, firstSeq: number): Promise<void> {
  const meta = index.meta(firstSeq);
  const json: MetaJson = {
    ...meta,
    minRt: index.count ? meta.minRt : null,
    maxRt: index.count ? meta.maxRt : null,
    units: [...meta.units],
  };
  const metaBuf = Buffer.from(JSON.stringify(json));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(metaBuf.length);
  const parts = [IDX_MAGIC, len, metaBuf, bytesOf(index.offsets, index.count), bytesOf(index.realtimes, index.count), bytesOf(index.priorities, index.count)];
  for (const [unit, n] of meta.units) parts.push(bytesOf(index.units.get(unit)!, n));
  const tmp = `${path}.tmp`;
  await writeFile(tmp, Buffer.concat(parts));
  await rename(tmp, path);
}

function toMeta(json: MetaJson): SegmentMeta {
  return {
    firstSeq: json.firstSeq,
    count: json.count,
    minRt: json.minRt ?? Infinity,
    maxRt: json.maxRt ?? -Infinity,
    priorityMask: json.priorityMask,
    units: new Map(json.units),
    bytes: json.bytes,
  };
}

/** Only the meta part of a sidecar, or undefined when it is missing or unreadable. */
export async function readIndexMeta(path: string): Promise<SegmentMeta | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(12);
    if ((await file.read(head, 0, 12, 0)).bytesRead < 12 || !head.subarray(0, 8).equals(IDX_MAGIC)) return undefined;
    const len = head.readUInt32LE(8);
    const metaBuf = Buffer.alloc(len);
    if ((await file.read(metaBuf, 0, len, 12)).bytesRead < len) return undefined;
    return toMeta(JSON.parse(metaBuf.toString('utf8')) as MetaJson);
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

function copyOut<T extends Uint32Array | Float64Array | Uint8Array>(buf: Buffer, at: number, n: number, make: (n: number) => T): T {
  const arr = make(n);
  const bytes = n * arr.BYTES_PER_ELEMENT;
  if (at + bytes > buf.length) throw new Error('index file truncated');
  Buffer.from(arr.buffer).set(buf.subarray(at, at + bytes));
  return arr;
}

export function parseIndexFile(buf: Buffer): { meta: SegmentMeta; index: SegmentIndex } {
  if (!buf.subarray(0, 8).equals(IDX_MAGIC)) throw new Error('not an index file');
  const len = buf.readUInt32LE(8);
  const meta = toMeta(JSON.parse(buf.toString('utf8', 12, 12 + len)) as MetaJson);
  let at = 12 + len;
  const n = meta.count;
  const offsets = copyOut(buf, at, n, (k) => new Uint32Array(k));
  at += n * 4;
  const realtimes = copyOut(buf, at, n, (k) => new Float64Array(k));
  at += n * 8;
  const priorities = copyOut(buf, at, n, (k) => new Uint8Array(k));
  at += n;
  const units = new Map<string, Uint32Array>();
  for (const [unit, k] of meta.units) {
    units.set(unit, copyOut(buf, at, k, (m) => new Uint32Array(m)));
    at += k * 4;
  }
  const index = new SegmentIndex(offsets, meta.bytes, realtimes, priorities, units, new Map(meta.units));
  index.count = n;
  return { meta, index };
}
