/**
 * WAL record framing and payload layout. A frame is
 *   u32 LE payload length | u32 LE crc32(payload, previous frame's crc) | payload
 * and a payload starts with a kind byte. The crc chain starts from the segment's sequence
 * number, so a record moved, dropped or copied from another segment fails its check.
 * Integers are u64 LE (safe integers only); strings are UTF-8.
 */
import { crc32 } from 'node:zlib';
import type { Entry, EntryType, HardState, SnapshotMeta } from '../raft/types.js';
import { WalUsageError } from './errors.js';

export const FRAME_HEADER_BYTES = 8;

const KIND_METADATA = 1;
const KIND_BATCH = 2;
const KIND_SNAPSHOT = 3;

const FLAG_HARD_STATE = 1;
const NO_VOTE = 0xffff;
const TYPE_NORMAL = 0;
const TYPE_CONF = 1;
const TWO_32 = 0x1_0000_0000;
/** Fixed bytes per entry: index, term, type, data length. */
const ENTRY_FIXED_BYTES = 8 + 8 + 1 + 4;

export type WalRecord =
  | { kind: 'metadata'; metadata: string }
  | { kind: 'batch'; hardState?: HardState; entries: Entry[] }
  | { kind: 'snapshot'; meta: SnapshotMeta };

export function chainSeed(sequence: number): number {
  return sequence >>> 0;
}

function checkU64(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new WalUsageError(`${what} must be a non-negative safe integer, got ${value}`);
}

/**
 * Appends framed records to one reusable buffer. The bytes returned by `bytes()` are valid until
 * the next `reset()`; the caller serializes encode and write.
 */
export class RecordEncoder {
  private static readonly KEEP_BYTES = 4 << 20;
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initialBytes = 64 << 10) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void {
    this.pos = 0;
    if (this.buf.length > RecordEncoder.KEEP_BYTES) this.buf = Buffer.allocUnsafe(this.initialBytes);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Each method appends one frame and returns its crc, the seed of the next frame. */
  metadata(metadata: string, seed: number): number {
    const start = this.beginFrame(1 + metadata.length * 3);
    this.buf[this.pos++] = KIND_METADATA;
    this.pos += this.buf.write(metadata, this.pos, 'utf8');
    return this.endFrame(start, seed);
  }

  batch(hardState: HardState | undefined, entries: readonly Entry[], seed: number): number {
    let bound = 1 + 1 + 4;
    if (hardState) bound += 8 + 8 + 2 + (hardState.vote?.length ?? 0) * 3;
    for (let i = 0; i < entries.length; i++) bound += ENTRY_FIXED_BYTES + entries[i]!.data.length * 3;
    const start = this.beginFrame(bound);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = KIND_BATCH;
    buf[pos++] = hardState ? FLAG_HARD_STATE : 0;
    if (hardState) {
      checkU64(hardState.term, 'hardState.term');
      checkU64(hardState.commit, 'hardState.commit');
      pos = writeU64(buf, pos, hardState.term);
      pos = writeU64(buf, pos, hardState.commit);
      if (hardState.vote === null) {
        buf.writeUInt16LE(NO_VOTE, pos);
        pos += 2;
      } else {
        const length = buf.write(hardState.vote, pos + 2, 'utf8');
        if (length >= NO_VOTE) throw new WalUsageError('hardState.vote is too long');
        buf.writeUInt16LE(length, pos);
        pos += 2 + length;
      }
    }
    buf.writeUInt32LE(entries.length, pos);
    pos += 4;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      checkU64(entry.index, 'entry.index');
      checkU64(entry.term, 'entry.term');
      pos = writeU64(buf, pos, entry.index);
      pos = writeU64(buf, pos, entry.term);
      buf[pos++] = entry.type === 'conf' ? TYPE_CONF : TYPE_NORMAL;
      const length = entry.data.length === 0 ? 0 : buf.write(entry.data, pos + 4, 'utf8');
      buf.writeUInt32LE(length, pos);
      pos += 4 + length;
    }
    this.pos = pos;
    return this.endFrame(start, seed);
  }

  snapshot(meta: SnapshotMeta, seed: number): number {
    checkU64(meta.index, 'snapshot index');
    checkU64(meta.term, 'snapshot term');
    const conf = JSON.stringify({ voters: meta.conf.voters, learners: meta.conf.learners });
    const start = this.beginFrame(1 + 16 + conf.length * 3);
    this.buf[this.pos++] = KIND_SNAPSHOT;
    this.pos = writeU64(this.buf, this.pos, meta.index);
    this.pos = writeU64(this.buf, this.pos, meta.term);
    this.pos += this.buf.write(conf, this.pos, 'utf8');
    return this.endFrame(start, seed);
  }

  private beginFrame(payloadBound: number): number {
    this.ensure(FRAME_HEADER_BYTES + payloadBound);
    const start = this.pos;
    this.pos += FRAME_HEADER_BYTES;
    return start;
  }

  private endFrame(start: number, seed: number): number {
    const payload = this.buf.subarray(start + FRAME_HEADER_BYTES, this.pos);
    const crc = crc32(payload, seed);
    this.buf.writeUInt32LE(payload.length, start);
    this.buf.writeUInt32LE(crc, start + 4);
    return crc;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

function writeU64(buf: Buffer, pos: number, value: number): number {
  buf.writeUInt32LE(value >>> 0, pos);
  buf.writeUInt32LE(Math.floor(value / TWO_32), pos + 4);
  return pos + 8;
}

/** A payload whose checksum matched but whose contents do not parse. */
export class RecordDecodeError extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(bytes: number): void {
    if (this.remaining < bytes) throw new RecordDecodeError(`record payload ends ${bytes - this.remaining} byte(s) early`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const value = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  u64(): number {
    this.need(8);
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    const value = high * TWO_32 + low;
    if (!Number.isSafeInteger(value)) throw new RecordDecodeError('integer beyond 2^53');
    return value;
  }

  utf8(bytes: number): string {
    this.need(bytes);
    const text = this.buf.toString('utf8', this.pos, this.pos + bytes);
    this.pos += bytes;
    return text;
  }

  rest(): string {
    return this.utf8(this.remaining);
  }
}

export function decodeRecord(payload: Buffer): WalRecord {
  const reader = new Reader(payload);
  const kind = reader.u8();
  let record: WalRecord;
  switch (kind) {
    case KIND_METADATA:
      record = { kind: 'metadata', metadata: reader.rest() };
      break;
    case KIND_BATCH:
      record = decodeBatch(reader);
      break;
    case KIND_SNAPSHOT: {
      const index = reader.u64();
      const term = reader.u64();
      record = { kind: 'snapshot', meta: { index, term, conf: decodeConf(reader.rest()) } };
      break;
    }
    default:
      throw new RecordDecodeError(`unknown record kind ${kind}`);
  }
  if (reader.remaining !== 0) throw new RecordDecodeError(`${reader.remaining} unexpected byte(s) after the record`);
  return record;
}

function decodeBatch(reader: Reader): WalRecord {
  const flags = reader.u8();
  let hardState: HardState | undefined;
  if (flags & FLAG_HARD_STATE) {
    const term = reader.u64();
    const commit = reader.u64();
    const voteLength = reader.u16();
    const vote = voteLength === NO_VOTE ? null : reader.utf8(voteLength);
    hardState = { term, vote, commit };
  }
  const count = reader.u32();
  if (count * ENTRY_FIXED_BYTES > reader.remaining) throw new RecordDecodeError(`entry count ${count} exceeds the record`);
  const entries: Entry[] = new Array<Entry>(count);
  for (let i = 0; i < count; i++) {
    const index = reader.u64();
    const term = reader.u64();
    const typeByte = reader.u8();
    if (typeByte !== TYPE_NORMAL && typeByte !== TYPE_CONF) throw new RecordDecodeError(`unknown entry type ${typeByte}`);
    const type: EntryType = typeByte === TYPE_CONF ? 'conf' : 'normal';
    const data = reader.utf8(reader.u32());
    entries[i] = { index, term, type, data };
  }
  return hardState ? { kind: 'batch', hardState, entries } : { kind: 'batch', entries };
}

function decodeConf(text: string): SnapshotMeta['conf'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RecordDecodeError('snapshot marker configuration is not JSON');
  }
  const conf = parsed as { voters?: unknown; learners?: unknown };
  const isIds = (value: unknown): value is string[] => Array.isArray(value) && value.every((id) => typeof id === 'string');
  if (!isIds(conf?.voters) || !isIds(conf.learners)) throw new RecordDecodeError('snapshot marker configuration is malformed');
  return { voters: conf.voters, learners: conf.learners };
}

export interface BadFrame {
  offset: number;
  reason: string;
  /** A frame with a valid checksum starts somewhere after the bad one: not a torn tail. */
  followedByValid: boolean;
}

export interface FrameScan {
  /** Offset just past the last valid frame. */
  end: number;
  /** Crc of the last valid frame (the seed when there is none). */
  crc: number;
  bad?: BadFrame;
}

/** Walks the frames of one segment image, calling `onFrame` for each valid one, up to the first bad one. */
export function scanFrames(buf: Buffer, seed: number, onFrame: (payload: Buffer, offset: number) => void): FrameScan {
  let pos = 0;
  let crc = seed;
  while (pos < buf.length) {
    if (buf.length - pos < FRAME_HEADER_BYTES) {
      return { end: pos, crc, bad: { offset: pos, reason: `incomplete frame header (${buf.length - pos} of ${FRAME_HEADER_BYTES} bytes)`, followedByValid: false } };
    }
    const length = buf.readUInt32LE(pos);
    const stored = buf.readUInt32LE(pos + 4);
    const bodyEnd = pos + FRAME_HEADER_BYTES + length;
    if (length === 0) {
      return { end: pos, crc, bad: { offset: pos, reason: 'zero-length frame', followedByValid: validFrameAfter(buf, pos + 1, [stored]) } };
    }
    if (bodyEnd > buf.length) {
      const reason = `frame of ${length} bytes runs past the end of the file (${buf.length - pos - FRAME_HEADER_BYTES} present)`;
      return { end: pos, crc, bad: { offset: pos, reason, followedByValid: validFrameAfter(buf, pos + 1, [stored]) } };
    }
    const payload = buf.subarray(pos + FRAME_HEADER_BYTES, bodyEnd);
    const actual = crc32(payload, crc);
    if (actual !== stored) {
      // Payload damaged (the next frame was chained from `stored`) or crc field damaged (from `actual`).
      const reason = `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)})`;
      return { end: pos, crc, bad: { offset: pos, reason, followedByValid: validFrameAfter(buf, pos + 1, [stored, actual]) } };
    }
    onFrame(payload, pos);
    crc = stored;
    pos = bodyEnd;
  }
  return { end: pos, crc };
}

/** Whether a frame chained from one of `seeds` starts at any offset from `from` on; only run on the error path. */
function validFrameAfter(buf: Buffer, from: number, seeds: number[]): boolean {
  for (let pos = from; pos + FRAME_HEADER_BYTES < buf.length; pos++) {
    const length = buf.readUInt32LE(pos);
    if (length === 0 || pos + FRAME_HEADER_BYTES + length > buf.length) continue;
    const kind = buf[pos + FRAME_HEADER_BYTES];
    if (kind !== KIND_METADATA && kind !== KIND_BATCH && kind !== KIND_SNAPSHOT) continue;
    const stored = buf.readUInt32LE(pos + 4);
    const payload = buf.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + length);
    for (const seed of seeds) if (crc32(payload, seed) === stored) return true;
  }
  return false;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
