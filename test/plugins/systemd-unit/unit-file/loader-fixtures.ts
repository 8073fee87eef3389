import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SpecifierContext, UnitDefaults, UnitDiagnostic } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { buildDefinition } from '../../../../plugins/systemd-unit/unit-file/definition-builder.js';
import { UnitLoader } from '../../../../plugins/systemd-unit/unit-file/loader.js';
import { tempDir } from '../../../support/temp-dir.js';

/** A file's text, or a symlink to a path (relative links are written as given). */
export type TreeEntry = string | { link: string };

/** Writes `files` (paths relative to `root`) into `root`, making directories as needed. */
export function writeTree(root: string, files: Record<string, TreeEntry>): void {
  for (const [relative, entry] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof entry === 'string') writeFileSync(file, entry);
    else symlinkSync(entry.link, file);
  }
}

/** A temp dir holding `files`; `dir(name)` is a path inside it. */
export function unitTree(files: Record<string, TreeEntry> = {}): { root: string; dir(name: string): string; cleanup(): void } {
  const temp = tempDir('flotilla-units-');
  writeTree(temp.path, files);
  return { root: temp.path, dir: (name) => path.join(temp.path, name), cleanup: temp.cleanup };
}

export const SPECIFIERS: SpecifierContext = Object.freeze({
  hostname: 'node-1.example',
  machineId: 'a'.repeat(32),
  bootId: 'b'.repeat(32),
  user: { name: 'flotilla', uid: 1000, group: 'flotilla', gid: 1000, home: '/home/flotilla', shell: '/bin/sh' },
  runtimeDir: '/run/flotilla',
  stateDir: '/var/lib/flotilla',
  cacheDir: '/var/cache/flotilla',
  logsDir: '/var/log/flotilla',
  configDir: '/etc/flotilla',
});

const SECOND = 1_000_000;

export const DEFAULTS: UnitDefaults = Object.freeze({
  timeoutStartUs: 90 * SECOND,
  timeoutStopUs: 45 * SECOND,
  restartUs: 100_000,
  startLimitIntervalUs: 10 * SECOND,
  startLimitBurst: 5,
});

/** Loads `name` from a one-directory search path holding `files`, builds it, and cleans up. */
export async function buildFrom(files: Record<string, TreeEntry>, name: string, defaults: UnitDefaults = DEFAULTS) {
  const tree = unitTree(files);
  try {
    const loaded = await new UnitLoader([tree.root]).load(name);
    return { root: tree.root, loaded, def: buildDefinition(loaded, SPECIFIERS, defaults) };
  } finally {
    tree.cleanup();
  }
}

/** `severity file-basename:line key: message` lines, for compact assertions. */
export function brief(diagnostics: readonly UnitDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${path.basename(d.file)}:${d.line}${d.key ? ` ${d.key}` : ''}: ${d.message}`);
}
