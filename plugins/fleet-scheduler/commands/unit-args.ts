import { readdirSync } from 'node:fs';
import path from 'node:path';
import { matchesGlob } from '../../../core/glob.js';
import { unitNameProblem, withUnitSuffix } from '../unit-file/unit-name.js';
import { expandBraces } from './brace-expansion.js';

/** A unit named on the command line: its registry name and where its file would be on disk. */
export interface UnitArg {
  name: string;
  file: string;
}

/** fleetctl's unitNameMangle: the base name, with `.service` when it has no unit type. */
export function unitNameOf(arg: string): string {
  return withUnitSuffix(path.basename(arg));
}

/** The file fleetctl reads for an argument: `units/app` is `units/app.service`. */
export function unitFileOf(arg: string): string {
  return withUnitSuffix(arg);
}

/**
 * A pattern to match against names rather than a name. Backslashes do not count: systemd
 * escapes (`foo\x2dbar.service`) are part of unit names.
 */
export function isGlob(arg: string): boolean {
  return /[*?[]/.test(arg);
}

/** Every argument with its braces expanded, in order. */
export function expandArgs(args: readonly string[]): string[] {
  return args.flatMap((arg) => expandBraces(arg));
}

export class NoMatchError extends Error {
  constructor(readonly pattern: string) {
    super(`no unit in the registry or on disk matches ${pattern}`);
    this.name = 'NoMatchError';
  }
}

/**
 * The units to submit, load or start. A name stands for itself; a glob matches unit files in
 * its directory and units already in the registry (fleetctl's "units in the current working
 * directory or previously submitted units"), in name order.
 */
export async function unitsToCreate(args: readonly string[], registryNames: () => Promise<readonly string[]>): Promise<UnitArg[]> {
  const found = new Map<string, UnitArg>();
  const add = (unit: UnitArg) => {
    if (!found.has(unit.name)) found.set(unit.name, unit);
  };
  for (const arg of expandArgs(args)) {
    if (!isGlob(arg)) {
      add({ name: unitNameOf(arg), file: unitFileOf(arg) });
      continue;
    }
    const dir = path.dirname(arg);
    const pattern = path.basename(arg);
    const matched = new Map<string, UnitArg>();
    for (const file of localUnitFiles(dir)) {
      if (matchesGlob(pattern, file)) matched.set(file, { name: file, file: path.join(dir, file) });
    }
    for (const name of await registryNames()) {
      if (!matched.has(name) && matchesGlob(pattern, name)) matched.set(name, { name, file: path.join(dir, name) });
    }
    if (matched.size === 0) throw new NoMatchError(arg);
    [...matched.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).forEach(add);
  }
  return [...found.values()];
}

/**
 * The registry's units named by the arguments, in argument order, each once: names that are
 * not in the registry are left out, globs match registry names.
 */
export function unitsInRegistry<T extends { name: string }>(args: readonly string[], units: readonly T[]): T[] {
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const picked = new Map<string, T>();
  for (const arg of expandArgs(args)) {
    if (isGlob(arg)) {
      const pattern = path.basename(arg);
      for (const unit of units) if (matchesGlob(pattern, unit.name) && !picked.has(unit.name)) picked.set(unit.name, unit);
      continue;
    }
    const unit = byName.get(unitNameOf(arg));
    if (unit && !picked.has(unit.name)) picked.set(unit.name, unit);
  }
  return [...picked.values()];
}

function localUnitFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && unitNameProblem(entry.name) === undefined)
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
