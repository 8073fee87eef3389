import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The units this machine's agent wrote to the unit manager, by name with their hash; kept on disk across restarts. */
export class LoadedUnits {
  readonly units = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();
  private pending?: Promise<void>;

  constructor(private readonly file: string) {}

  async read(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '{}';
      throw error;
    });
    let parsed: Record<string, string> = {};
    try {
      parsed = JSON.parse(text) as Record<string, string>;
    } catch {
      // A torn file loses only the list of leftovers to unload, which the next reconcile rebuilds.
    }
    for (const [name, hash] of Object.entries(parsed)) if (typeof hash === 'string') this.units.set(name, hash);
  }

  set(name: string, hash: string): Promise<void> {
    this.units.set(name, hash);
    return this.save();
  }

  delete(name: string): Promise<void> {
    this.units.delete(name);
    return this.save();
  }

  /** Changes made in one turn of the event loop are written together. */
  private save(): Promise<void> {
    if (this.pending) return this.pending;
    this.pending = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.pending = undefined;
        const snapshot = JSON.stringify(Object.fromEntries(this.units));
        this.writing = this.writing.catch(() => undefined).then(() => this.write(snapshot));
        this.writing.then(resolve, reject);
      });
    });
    return this.pending;
  }

  private async write(snapshot: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, snapshot);
    await rename(temp, this.file);
  }
}
