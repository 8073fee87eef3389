/**
 * Snapshot files in one directory. A save is atomic: written to a temp file, fsynced, renamed,
 * and the directory fsynced. A newest file that fails its checksum is set aside as *.broken.
 */
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { ensureDirDurable, fsyncDir, writeFully } from './durable-fs.js';
import { decodeSnapshot, encodeSnapshot, parseSnapshotFileName, snapshotFileName } from './snapshot-file.js';

export interface SnapshotLog {
  warn(obj: object, msg: string): void;
}

const TEMP_SUFFIX = '.tmp';
const BROKEN_SUFFIX = '.broken';
const DEFAULT_KEEP = 5;

const defaultLog: SnapshotLog = {
  warn: (obj, msg) => process.emitWarning(`${msg} ${JSON.stringify(obj)}`, 'SnapshotWarning'),
};

export class SnapshotStore {
  private readonly log: SnapshotLog;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    log?: SnapshotLog,
  ) {
    this.log = log ?? defaultLog;
  }

  save(snapshot: Snapshot): Promise<void> {
    return this.serialize(async () => {
      const { head, tail } = encodeSnapshot(snapshot);
      await ensureDirDurable(this.dir);
      const finalPath = path.join(this.dir, snapshotFileName(snapshot.meta));
      const tempPath = finalPath + TEMP_SUFFIX;
      const handle = await open(tempPath, 'w');
      try {
        await writeFully(handle, head, 0);
        await writeFully(handle, snapshot.data, head.length);
        await writeFully(handle, tail, head.length + snapshot.data.byteLength);
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        await unlink(tempPath).catch(() => undefined);
        throw error;
      }
      await handle.close();
      await rename(tempPath, finalPath);
      await fsyncDir(this.dir);
    });
  }

  loadNewest(): Promise<Snapshot | undefined> {
    return this.serialize(async () => {
      for (const file of (await this.snapshotFiles()).reverse()) {
        const full = path.join(this.dir, file);
        const loaded = decodeSnapshot(await readFile(full));
        const named = parseSnapshotFileName(file)!;
        const reason =
          typeof loaded === 'string'
            ? loaded
            : loaded.meta.index !== named.index || loaded.meta.term !== named.term
              ? `holds index ${loaded.meta.index} term ${loaded.meta.term}, not what its name says`
              : undefined;
        if (reason === undefined) return loaded as Snapshot;
        this.log.warn({ file: full, reason, renamedTo: full + BROKEN_SUFFIX }, 'snapshot unusable; set aside, trying an older one');
        await rename(full, full + BROKEN_SUFFIX);
        await fsyncDir(this.dir);
      }
      return undefined;
    });
  }

  /** Deletes all but the newest `keep` snapshots, and temp files of saves cut short. */
  purge(keep = DEFAULT_KEEP): Promise<void> {
    return this.serialize(async () => {
      if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`purge keeps at least one snapshot, got ${keep}`);
      const files = await this.snapshotFiles();
      const doomed = [...files.slice(0, Math.max(0, files.length - keep)), ...(await this.tempFiles())];
      for (const file of doomed) await unlink(path.join(this.dir, file));
      if (doomed.length > 0) await fsyncDir(this.dir);
    });
  }

  /** Snapshot files, oldest first (index, then term). */
  private async snapshotFiles(): Promise<string[]> {
    return (await this.list()).filter((file) => parseSnapshotFileName(file)).sort();
  }

  private async tempFiles(): Promise<string[]> {
    return (await this.list()).filter((file) => file.endsWith(TEMP_SUFFIX) && parseSnapshotFileName(file.slice(0, -TEMP_SUFFIX.length)));
  }

  private async list(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
