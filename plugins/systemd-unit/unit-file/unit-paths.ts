import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { instanceName, isValidUnitName, parseUnitName } from './unit-name.js';

/** What one name in the unit search path is (systemd.unit(5), "Unit File Load Path"). */
export type UnitFileKind =
  /** A regular file. */
  | 'file'
  /** A symlink to a file of the same name outside the search directory (`systemctl link`). */
  | 'linked'
  /** A symlink to another unit name: this name is an alias of `aliasOf`. */
  | 'alias'
  /** A symlink to /dev/null, or an empty file. */
  | 'masked';

export interface UnitFileEntry {
  name: string;
  kind: UnitFileKind;
  /** The search directory it was found in. */
  dir: string;
  /** `<dir>/<name>`. */
  path: string;
  /** The file to read, symlinks followed (absent when masked; for an alias, where its link ends, if anywhere). */
  file?: string;
  /** For aliases: the unit name the link resolves to. */
  aliasOf?: string;
}

export const DEV_NULL = '/dev/null';

/**
 * Every unit name in a search path, each taken from the first directory that has it, as systemd
 * builds its name map: files, links to files, aliases (links to another unit name) and masks.
 */
export class UnitNameMap {
  private constructor(
    private readonly entries: ReadonlyMap<string, UnitFileEntry>,
    private readonly aliases: ReadonlyMap<string, readonly string[]>,
  ) {}

  static async scan(searchPath: readonly string[]): Promise<UnitNameMap> {
    const entries = new Map<string, UnitFileEntry>();
    for (const dir of searchPath) {
      for (const name of await unitNamesIn(dir)) {
        if (entries.has(name)) continue;
        const entry = await classifyEntry(searchPath, dir, name);
        if (entry) entries.set(name, entry);
      }
    }
    const aliases = new Map<string, string[]>();
    for (const entry of entries.values()) {
      if (entry.kind !== 'alias') continue;
      const list = aliases.get(entry.aliasOf!) ?? [];
      list.push(entry.name);
      aliases.set(entry.aliasOf!, list);
    }
    for (const list of aliases.values()) list.sort();
    return new UnitNameMap(entries, aliases);
  }

  /** The entry for `name`, from the highest-precedence directory that has one. */
  get(name: string): UnitFileEntry | undefined {
    return this.entries.get(name);
  }

  /** Names that are aliases of `name` (direct links only). */
  aliasesOf(name: string): readonly string[] {
    return this.aliases.get(name) ?? [];
  }

  /** Every entry, sorted by name. */
  list(): UnitFileEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** A fingerprint of the search directories: the name map is stale when it changes. */
export async function searchPathStamp(searchPath: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const dir of searchPath) {
    const st = await stat(dir, { bigint: true }).catch(() => undefined);
    parts.push(st ? `${st.dev}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}` : '-');
  }
  return parts.join('|');
}

/** Names of directory entries that are valid unit names; nothing when the directory is missing. */
async function unitNamesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  return names.filter((name) => !name.startsWith('.') && isValidUnitName(name)).sort();
}

async function classifyEntry(searchPath: readonly string[], dir: string, name: string): Promise<UnitFileEntry | undefined> {
  const entryPath = path.join(dir, name);
  const st = await lstat(entryPath).catch(() => undefined);
  if (!st) return undefined;
  if (st.isFile()) {
    return st.size === 0 ? { name, kind: 'masked', dir, path: entryPath } : { name, kind: 'file', dir, path: entryPath, file: entryPath };
  }
  if (!st.isSymbolicLink()) return undefined;

  const linkTarget = path.resolve(dir, await readlink(entryPath));
  if (linkTarget === DEV_NULL) return { name, kind: 'masked', dir, path: entryPath };
  const file = await realpath(entryPath).catch(() => undefined);

  // A link to another name in the search path is an alias of that name, looked up by name (so
  // that overrides of it apply), whether or not that directory holds the file.
  const targetName = path.basename(linkTarget);
  const intoSearchPath = searchPath.some((searchDir) => path.resolve(searchDir) === path.dirname(linkTarget));
  if (intoSearchPath && targetName !== name) {
    const aliasOf = aliasTarget(name, targetName);
    if (aliasOf === undefined) return undefined;
    if (aliasOf !== name) return { name, kind: 'alias', dir, path: entryPath, aliasOf, ...(file && { file }) };
  }

  // Otherwise the link is followed to a file; a dangling one names no unit, as in systemd.
  if (!file) return undefined;
  if (file === DEV_NULL) return { name, kind: 'masked', dir, path: entryPath };
  const fileStat = await stat(file).catch(() => undefined);
  if (!fileStat?.isFile()) return undefined;
  if (fileStat.size === 0) return { name, kind: 'masked', dir, path: entryPath };
  const aliasOf = aliasTarget(name, path.basename(file));
  if (aliasOf === undefined) return undefined;
  if (aliasOf === name) return { name, kind: 'linked', dir, path: entryPath, file };
  return { name, kind: 'alias', dir, path: entryPath, file, aliasOf };
}

/**
 * The unit a link called `name` to a file called `targetName` stands for, or undefined when systemd
 * would refuse the link: the type must match, and a template only aliases a template. A link from
 * an instance to a template stands for that template's instance of the same name.
 */
function aliasTarget(name: string, targetName: string): string | undefined {
  if (!isValidUnitName(targetName)) return undefined;
  const link = parseUnitName(name);
  const target = parseUnitName(targetName);
  if (link.type !== target.type) return undefined;
  if (link.isInstance && target.isTemplate) return instanceName(targetName, link.instance!);
  if (link.isInstance !== target.isInstance || link.isTemplate !== target.isTemplate) return undefined;
  return targetName;
}
