import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** The rendered text, written to a temporary file beside the destination and not yet in place. */
export interface StagedFile {
  /** The temporary file (what a check command is handed). */
  readonly path: string;
  /** Renames the temporary file over the destination. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** The file a template is rendered to, replaced atomically. */
export class RenderOutput {
  readonly path: string;

  constructor(out: string) {
    this.path = path.resolve(out);
  }

  /** The destination's text now, or undefined when there is no file. */
  async current(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes the text to a new file in the destination's directory (so that a rename replaces it in
   * one step), synced, with the destination's mode and, when run as root, its owner. A
   * destination that is a symbolic link has the file it points to replaced, and stays a link.
   */
  async stage(text: string): Promise<StagedFile> {
    const target = await realpath(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return this.path;
      throw error;
    });
    const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temp, 'wx', 0o666);
    let written = false;
    try {
      if (existing) {
        await file.chmod(existing.mode & 0o7777);
        if (process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0)) await file.chown(existing.uid, existing.gid);
      }
      await file.writeFile(text);
      await file.sync();
      written = true;
    } finally {
      await file.close();
      if (!written) await rm(temp, { force: true });
    }
    return {
      path: temp,
      commit: () => rename(temp, target),
      discard: () => rm(temp, { force: true }),
    };
  }
}
