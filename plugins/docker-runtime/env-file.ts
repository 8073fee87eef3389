import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** An --env-file that cannot be used; the message names the file and line. */
export class EnvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvFileError';
  }
}

const BLANKS = ' \t';

/**
 * An --env-file's assignments as docker reads them: `NAME=value` taken as is (no quotes, no
 * trimming of the value), `NAME` alone passed through from `lookup` (left out when unset), blank
 * lines and `#` lines skipped, leading whitespace and a UTF-8 BOM dropped.
 */
export function parseDockerEnvFile(text: string, file: string, lookup: (name: string) => string | undefined): [string, string][] {
  const assignments: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    if ([...BLANKS].some((blank) => name.includes(blank))) {
      throw new EnvFileError(`${file}:${index + 1}: poorly formatted environment: variable '${name}' contains whitespaces`);
    }
    if (name === '') throw new EnvFileError(`${file}:${index + 1}: poorly formatted environment: no variable name on line '${line}'`);
    if (eq !== -1) {
      assignments.push([name, line.slice(eq + 1)]);
      return;
    }
    const value = lookup(name);
    if (value !== undefined) assignments.push([name, value]);
  });
  return assignments;
}

/** What a container's environment is made of, as a parsed `docker run` line gives it. */
export interface EnvironmentSources {
  /** -e NAME=value, in order. */
  env: readonly (readonly [string, string])[];
  /** -e NAME: taken from `lookup`, left out when it has none. */
  passEnv?: readonly string[];
  /** --env-file, in order. */
  envFiles: readonly { path: string; optional: boolean }[];
}

/**
 * The container's environment as docker builds it: the --env-file files in order, then the -e
 * assignments, a later assignment of a name replacing an earlier one (a `-e NAME` the
 * environment lacks adds nothing and replaces nothing). `lookup` is the environment
 * the command runs in (the unit's), for `-e NAME` and for env-file lines without `=`. Relative
 * file paths are taken from `cwd`; an optional file that does not exist is skipped.
 */
export async function containerEnvironment(sources: EnvironmentSources, cwd: string, lookup: (name: string) => string | undefined): Promise<string[]> {
  const merged = new Map<string, string>();
  for (const ref of sources.envFiles) {
    const file = path.resolve(cwd, ref.path);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (ref.optional && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new EnvFileError(`cannot read env file ${file}: ${(error as Error).message}`);
    }
    for (const [name, value] of parseDockerEnvFile(text, file, lookup)) merged.set(name, value);
  }
  for (const [name, value] of sources.env) merged.set(name, value);
  for (const name of sources.passEnv ?? []) {
    const value = lookup(name);
    if (value !== undefined) merged.set(name, value);
  }
  return [...merged].map(([name, value]) => `${name}=${value}`);
}
