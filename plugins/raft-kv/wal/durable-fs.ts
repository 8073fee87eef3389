import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Flags for a log file that is appended to: every write is durable when it returns (O_DSYNC). */
export const DURABLE_APPEND = constants.O_RDWR | constants.O_DSYNC;

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** pwrite until every byte is written: a short write is legal for the kernel. */
export async function writeFully(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`write made no progress at byte ${position + done}`);
    done += bytesWritten;
  }
}

/** mkdir -p, then fsync the parent of every directory it created, so the path survives a crash. */
export async function ensureDirDurable(dir: string): Promise<number> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return 0;
  let syncs = 0;
  let created = path.resolve(dir);
  const top = path.resolve(first);
  for (;;) {
    await fsyncDir(path.dirname(created));
    syncs++;
    if (created === top || path.dirname(created) === created) break;
    created = path.dirname(created);
  }
  return syncs;
}
