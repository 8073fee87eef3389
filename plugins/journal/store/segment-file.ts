import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * A segment file is a 32-byte header followed by records, appended only:
 *
 *   header: "FLJSEG01" | journal id (16 bytes) | first seqnum (u64 LE) | reserved (u64)
 *   record: payload length (u32 LE) | crc32 of payload (u32 LE) | payload
 *   payload: seqnum (u64) | realtime µs (u64) | monotonic µs (u64) | priority (u8, 255 = none) | fields as UTF-8 JSON
 *
 * A record whose length or checksum does not hold marks the end of the valid data (a torn tail).
 */
export const SEGMENT_MAGIC = Buffer.from('FLJSEG01', 'latin1');
export const SEGMENT_HEADER_BYTES = 32;
export const RECORD_HEADER_BYTES = 8;
export const PAYLOAD_FIXED_BYTES = 25;
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
export const NO_PRIORITY = 255;

const TWO_32 = 2 ** 32;

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
}

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_32;
}

export function segmentHeader(journalId: string, firstSeq: number): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(buf, 0);
  Buffer.from(journalId, 'hex').copy(buf, 8, 0, 16);
  writeU64(buf, 24, firstSeq);
  return buf;
}

export function parseSegmentHeader(buf: Buffer): { journalId: string; firstSeq: number } | undefined {
  if (buf.length < SEGMENT_HEADER_BYTES || !buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return undefined;
  return { journalId: buf.toString('hex', 8, 24), firstSeq: readU64(buf, 24) };
}

/** A growable buffer of encoded records, written to a segment in one call. */
export class RecordBatch {
  buf: Buffer;
  used = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Encodes one record; returns its offset in the batch. */
  add(seq: number, realtimeUs: number, monotonicUs: number, priority: number, json: string): number {
    const max = RECORD_HEADER_BYTES + PAYLOAD_FIXED_BYTES + json.length * 3;
    if (this.used + max > this.buf.length) this.grow(this.used + max);
    const start = this.used;
    const p = start + RECORD_HEADER_BYTES;
    const buf = this.buf;
    writeU64(buf, p, seq);
    writeU64(buf, p + 8, realtimeUs);
    writeU64(buf, p + 16, monotonicUs);
    buf[p + 24] = priority;
    const written = buf.write(json, p + PAYLOAD_FIXED_BYTES, json.length * 3, 'utf8');
    const len = PAYLOAD_FIXED_BYTES + written;
    if (len > MAX_RECORD_BYTES) throw new RangeError(`journal entry too large (${len} bytes)`);
    buf.writeUInt32LE(len, start);
    buf.writeUInt32LE(crc32(buf.subarray(p, p + len)), start + 4);
    this.used = p + len;
    return start;
  }

  private grow(min: number): void {
    const next = Buffer.allocUnsafe(Math.max(min, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}

export interface RawRecord {
  seq: number;
  realtimeUs: number;
  monotonicUs: number;
  priority: number;
  json: string;
}

export function decodePayload(buf: Buffer, start: number, end: number): RawRecord {
  const p = start + RECORD_HEADER_BYTES;
  return {
    seq: readU64(buf, p),
    realtimeUs: readU64(buf, p + 8),
    monotonicUs: readU64(buf, p + 16),
    priority: buf[p + 24]!,
    json: buf.toString('utf8', p + PAYLOAD_FIXED_BYTES, end),
  };
}

/** Walks the records of `buf` (a whole segment); stops at the first record that does not verify. */
export function scanRecords(buf: Buffer, visit: (offset: number, end: number) => void): number {
  let offset = SEGMENT_HEADER_BYTES;
  while (offset + RECORD_HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(offset);
    const end = offset + RECORD_HEADER_BYTES + len;
    if (len < PAYLOAD_FIXED_BYTES || len > MAX_RECORD_BYTES || end > buf.length) break;
    if (crc32(buf.subarray(offset + RECORD_HEADER_BYTES, end)) !== buf.readUInt32LE(offset + 4)) break;
    visit(offset, end);
    offset = end;
  }
  return offset;
}

const WINDOW_BYTES = 256 * 1024;

/** Random reads of known record ranges, through a window that follows the direction of travel. */
export class SegmentReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(private readonly file: FileHandle) {}

  static async open(path: string): Promise<SegmentReader> {
    return new SegmentReader(await open(path, 'r'));
  }

  async record(start: number, end: number, backward: boolean): Promise<RawRecord> {
    const ws = this.windowStart;
    if (start >= ws && end <= ws + this.window.length) return decodePayload(this.window, start - ws, end - ws);
    const from = backward ? Math.max(0, Math.min(start, end - WINDOW_BYTES)) : start;
    const to = backward ? end : Math.max(end, start + WINDOW_BYTES);
    const buf = Buffer.allocUnsafe(to - from);
    const { bytesRead } = await this.file.read(buf, 0, buf.length, from);
    if (bytesRead < end - from) throw new Error(`segment shorter than its index (${bytesRead} < ${end - from})`);
    this.window = buf.subarray(0, bytesRead);
    this.windowStart = from;
    return decodePayload(this.window, start - from, end - from);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
