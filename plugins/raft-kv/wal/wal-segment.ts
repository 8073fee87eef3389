/**
 * Segment files: `<sequence>-<first index>.wal`, both 16 lower-case hex digits, so names sort in
 * log order. A segment is written complete to `<name>.tmp`, fsynced, then renamed, so a segment
 * that exists always begins with its full header; only appends to it can be torn.
 */
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DURABLE_APPEND, fsyncDir, writeFully } from './durable-fs.js';

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;
const TEMP_SUFFIX = '.tmp';

export interface SegmentName {
  sequence: number;
  firstIndex: number;
  file: string;
}

export function segmentFileName(sequence: number, firstIndex: number): string {
  return `${sequence.toString(16).padStart(16, '0')}-${firstIndex.toString(16).padStart(16, '0')}.wal`;
}

export function parseSegmentName(file: string): SegmentName | undefined {
  const match = SEGMENT_NAME.exec(file);
  if (!match) return undefined;
  return { sequence: Number.parseInt(match[1]!, 16), firstIndex: Number.parseInt(match[2]!, 16), file };
}

/** The segments in `dir` in sequence order, and leftover temp files from a creation cut short. */
export async function listSegments(dir: string): Promise<{ segments: SegmentName[]; leftovers: string[] }> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { segments: [], leftovers: [] };
    throw error;
  }
  const segments = files.flatMap((file) => parseSegmentName(file) ?? []).sort((a, b) => a.sequence - b.sequence);
  const leftovers = files.filter((file) => file.endsWith(`.wal${TEMP_SUFFIX}`) && parseSegmentName(file.slice(0, -TEMP_SUFFIX.length)));
  return { segments, leftovers };
}

export async function removeLeftovers(dir: string, leftovers: readonly string[]): Promise<void> {
  if (leftovers.length === 0) return;
  for (const file of leftovers) await unlink(path.join(dir, file)).catch(() => undefined);
  await fsyncDir(dir);
}

/**
 * Creates a segment holding `initial` and returns it open for appends. Durable on return: data
 * fdatasynced before the rename, the directory fsynced after it.
 */
export async function createSegment(dir: string, name: string, initial: Uint8Array): Promise<{ handle: FileHandle; syncs: number }> {
  const finalPath = path.join(dir, name);
  const tempPath = finalPath + TEMP_SUFFIX;
  const handle = await open(tempPath, 'w+');
  try {
    await writeFully(handle, initial, 0);
    await handle.datasync();
    await rename(tempPath, finalPath);
    await fsyncDir(dir);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return { handle: await open(finalPath, DURABLE_APPEND), syncs: 2 };
}
