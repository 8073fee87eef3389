import { open, type FileHandle } from 'node:fs/promises';

/**
 * Coalesces `fdatasync` calls on one file: at most one runs and one waits at a time, and every
 * caller that arrives while one waits shares it. Writes to the file are not held up by a sync.
 */
export class FileSyncer {
  private running?: Promise<void>;
  private waiting?: Promise<void>;
  private dirty = false;
  /** Set once a sync has failed: what the kernel had not written back may be lost. */
  failed = false;

  /** `newFileIn`: the directory of a file just created, synced once with its first sync so the file's entry is durable too. */
  constructor(
    readonly file: FileHandle,
    private newFileIn?: string,
  ) {}

  /** Notes a write, so that the next `sync()` has something to do. */
  wrote(): void {
    this.dirty = true;
  }

  /** Resolves once everything written before this call is synced. */
  sync(): Promise<void> {
    if (this.waiting) return this.waiting;
    if (!this.dirty) return this.running ?? Promise.resolve();
    const before = this.running ?? Promise.resolve();
    const next: Promise<void> = before
      .catch(() => undefined)
      .then(() => {
        this.waiting = undefined;
        this.running = next;
        this.dirty = false;
        return this.syncNow();
      })
      .catch((err: unknown) => {
        this.failed = true;
        throw err;
      })
      .finally(() => {
        if (this.running === next) this.running = undefined;
      });
    this.waiting = next;
    return next;
  }

  private async syncNow(): Promise<void> {
    await this.file.datasync();
    const dir = this.newFileIn;
    if (dir === undefined) return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
      this.newFileIn = undefined;
    } finally {
      await handle.close();
    }
  }

  /** Syncs what was written, then closes the file. */
  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.file.close();
    }
  }
}
