import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseUnitName, templateOf } from './unit-name.js';

/**
 * The names whose `<name><suffix>` directories apply to a unit called `name`, most specific first:
 * the name, its template, then each dash prefix (`foo-bar-baz@x.service` → `foo-bar-.service`,
 * `foo-.service`). The top-level `<type><suffix>` directory is not included.
 */
export function dropInNames(name: string): string[] {
  const parsed = parseUnitName(name);
  const names = [name];
  if (parsed.isInstance) names.push(templateOf(name));
  const { prefix, type } = parsed;
  for (const dashPrefix of dashPrefixes(prefix)) names.push(`${dashPrefix}.${type}`);
  return names;
}

/**
 * `foo-bar-baz` → `foo-bar-`, `foo-`. A trailing dash is a level of its own (`foo-bar-` → `foo-`);
 * a leading dash ends the walk, so `-.slice` has none.
 */
function dashPrefixes(prefix: string): string[] {
  const found: string[] = [];
  let rest = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  for (;;) {
    const dash = rest.lastIndexOf('-');
    if (dash <= 0) return found;
    found.push(rest.slice(0, dash + 1));
    rest = rest.slice(0, dash);
  }
}

/**
 * The directories that may hold drop-ins (`suffix` `.d`) or dependency links (`.wants`, `.requires`)
 * for a unit known by `names` (its name first, then its aliases), highest precedence first: in each
 * search directory the names' directories from most to least specific; then the top-level
 * `<type><suffix>` directory of every search directory, which all units of that type share.
 */
export function dropInDirs(searchPath: readonly string[], names: readonly string[], suffix: string): string[] {
  const dirs: string[] = [];
  const add = (dir: string) => {
    if (!dirs.includes(dir)) dirs.push(dir);
  };
  for (const searchDir of searchPath) {
    for (const name of names) {
      for (const candidate of dropInNames(name)) add(path.join(searchDir, `${candidate}${suffix}`));
    }
  }
  if (names.length > 0) {
    const { type } = parseUnitName(names[0]!);
    for (const searchDir of searchPath) add(path.join(searchDir, `${type}${suffix}`));
  }
  return dirs;
}

/**
 * The `.conf` drop-ins of a unit, in the order they apply (by file name). Of same-named files
 * the one in the directory that comes first in `dropInDirs` wins; one linked to /dev/null
 * still wins and so hides the others.
 */
export async function findDropIns(searchPath: readonly string[], names: readonly string[]): Promise<string[]> {
  const chosen = new Map<string, string>();
  for (const dir of dropInDirs(searchPath, names, '.d')) {
    for (const file of await confFilesIn(dir)) {
      if (!chosen.has(file)) chosen.set(file, path.join(dir, file));
    }
  }
  return [...chosen.keys()].sort(compareFileNames).map((file) => chosen.get(file)!);
}

/** systemd sorts drop-ins by file name with strcmp(): bytewise, not by locale. */
export function compareFileNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function confFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.conf')) continue;
    const st = await stat(path.join(dir, name)).catch(() => undefined);
    // A link to /dev/null is a character device: it masks same-named drop-ins.
    if (st && (st.isFile() || st.isCharacterDevice())) files.push(name);
  }
  return files;
}
