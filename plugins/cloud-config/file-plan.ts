import { constants, type Stats } from 'node:fs';
import { access, lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileSettings } from './config.js';
import { decodeContent } from './file-content.js';
import { parsePermissions } from './file-mode.js';

export type FileChange = 'content' | 'mode' | 'owner';

/** One file of the document against what is on disk: what writing it would change. */
export interface FilePlan {
  file: FileSettings;
  index: number;
  bytes: Buffer;
  mode: number;
  /** Whether the path exists now (as anything). */
  exists: boolean;
  changes: FileChange[];
}

export type Planned = { ok: true; plan: FilePlan } | { ok: false; field: string; problem: string };

const isRoot = () => process.geteuid?.() === 0;

/** Compares one file with the disk and checks that the change can be made, without making it. */
export async function planFile(file: FileSettings, index: number): Promise<Planned> {
  const decoded = decodeContent(file.content, file.encoding);
  if (!decoded.ok) return { ok: false, field: 'content', problem: decoded.problem };
  const bytes = decoded.bytes;
  const mode = parsePermissions(file.permissions)!;
  let current: Stats | undefined;
  let sameContent = false;
  try {
    current = await lstat(file.path);
    sameContent = current.isFile() && (await readFile(file.path)).equals(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; `creatable` below names it.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, field: 'path', problem: `cannot read ${file.path}: ${(error as Error).message}` };
  }
  if (current?.isDirectory()) return { ok: false, field: 'path', problem: `${file.path} is a directory` };
  if (current && !current.isFile() && !current.isSymbolicLink()) return { ok: false, field: 'path', problem: `${file.path} exists and is not a regular file` };

  const changes: FileChange[] = [];
  if (!sameContent) changes.push('content');
  const owner = current?.isFile() ? { uid: current.uid, gid: current.gid } : { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
  if (!current?.isFile() || (current.mode & 0o7777) !== mode) changes.push('mode');
  if ((file.uid !== undefined && file.uid !== owner.uid) || (file.gid !== undefined && file.gid !== owner.gid)) changes.push('owner');

  if (changes.includes('owner') && !isRoot()) {
    if (file.uid !== undefined && file.uid !== owner.uid) return { ok: false, field: 'owner', problem: `giving ${file.path} to ${file.owner} needs root; the node runs as uid ${process.geteuid?.()}` };
    if (file.gid !== undefined && !(process.getgroups?.() ?? []).includes(file.gid) && file.gid !== process.getegid?.()) {
      return { ok: false, field: 'owner', problem: `giving ${file.path} to group ${file.owner} needs root or membership of that group` };
    }
  }
  if (changes.includes('content')) {
    const problem = await creatable(path.dirname(file.path));
    if (problem) return { ok: false, field: 'path', problem };
  } else if (changes.includes('mode') && !isRoot() && current!.uid !== process.geteuid?.()) {
    return { ok: false, field: 'permissions', problem: `changing the mode of ${file.path} needs root or its owner` };
  }
  return { ok: true, plan: { file, index, bytes, mode, exists: current !== undefined, changes } };
}

/** Why a file cannot be written in `dir` (made when missing), or undefined when it can. */
async function creatable(dir: string): Promise<string | undefined> {
  let existing = dir;
  for (;;) {
    const info = await stat(existing).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) return `${existing} is not a directory`;
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) return `${dir} cannot be made`;
    existing = parent;
  }
  try {
    await access(existing, constants.W_OK | constants.X_OK);
    return undefined;
  } catch {
    return `${existing} is not writable by this node (uid ${process.geteuid?.()})`;
  }
}
