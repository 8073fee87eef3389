/**
 * One snapshot file:
 *   magic "RKVSNAP1" | u32 LE meta length | meta JSON | u64 LE data length | data | u32 LE crc32 of all before
 * Named `<index>-<term>.snap` (16 hex digits each), so the newest sorts last.
 */
import { crc32 } from 'node:zlib';
import type { Snapshot, SnapshotMeta } from '../raft/types.js';

const MAGIC = Buffer.from('RKVSNAP1', 'latin1');
const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const TWO_32 = 0x1_0000_0000;

export function snapshotFileName(meta: SnapshotMeta): string {
  return `${meta.index.toString(16).padStart(16, '0')}-${meta.term.toString(16).padStart(16, '0')}.snap`;
}

export function parseSnapshotFileName(file: string): { index: number; term: number } | undefined {
  const match = NAME.exec(file);
  return match ? { index: Number.parseInt(match[1]!, 16), term: Number.parseInt(match[2]!, 16) } : undefined;
}

/** The bytes before and after the data, so the data itself is never copied. */
export function encodeSnapshot(snapshot: Snapshot): { head: Buffer; tail: Buffer } {
  const { index, term, conf } = snapshot.meta;
  if (!Number.isSafeInteger(index) || index < 0 || !Number.isSafeInteger(term) || term < 0) {
    throw new RangeError(`snapshot index and term must be non-negative safe integers, got ${index}/${term}`);
  }
  const meta = Buffer.from(JSON.stringify({ index, term, conf: { voters: conf.voters, learners: conf.learners } }), 'utf8');
  const head = Buffer.allocUnsafe(MAGIC.length + 4 + meta.length + 8);
  MAGIC.copy(head, 0);
  let pos = MAGIC.length;
  head.writeUInt32LE(meta.length, pos);
  pos += 4;
  meta.copy(head, pos);
  pos += meta.length;
  const dataLength = snapshot.data.byteLength;
  head.writeUInt32LE(dataLength >>> 0, pos);
  head.writeUInt32LE(Math.floor(dataLength / TWO_32), pos + 4);
  const tail = Buffer.allocUnsafe(4);
  tail.writeUInt32LE(crc32(snapshot.data, crc32(head)), 0);
  return { head, tail };
}

/** The snapshot in `image`, or the reason it cannot be trusted. */
export function decodeSnapshot(image: Buffer): Snapshot | string {
  const minimum = MAGIC.length + 4 + 8 + 4;
  if (image.length < minimum) return `file is ${image.length} bytes, shorter than any snapshot`;
  if (!image.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a snapshot file (bad magic)';
  const stored = image.readUInt32LE(image.length - 4);
  const actual = crc32(image.subarray(0, image.length - 4));
  if (stored !== actual) return `checksum mismatch (stored ${stored}, computed ${actual})`;
  let pos = MAGIC.length;
  const metaLength = image.readUInt32LE(pos);
  pos += 4;
  if (pos + metaLength + 8 + 4 > image.length) return 'metadata length exceeds the file';
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(image.toString('utf8', pos, pos + metaLength)) as SnapshotMeta;
  } catch {
    return 'metadata is not JSON';
  }
  pos += metaLength;
  const dataLength = image.readUInt32LE(pos) + image.readUInt32LE(pos + 4) * TWO_32;
  pos += 8;
  if (pos + dataLength + 4 !== image.length) return `data length ${dataLength} does not match the file size`;
  if (!Number.isSafeInteger(meta?.index) || !Number.isSafeInteger(meta.term) || !Array.isArray(meta.conf?.voters) || !Array.isArray(meta.conf.learners)) {
    return 'metadata is malformed';
  }
  const data = new Uint8Array(image.buffer, image.byteOffset + pos, dataLength);
  return { meta: { index: meta.index, term: meta.term, conf: { voters: meta.conf.voters, learners: meta.conf.learners } }, data };
}
