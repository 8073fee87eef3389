import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh directory under the system temp dir; `cleanup` removes it. */
export function tempDir(prefix = 'flotilla-test-'): { path: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A temp dir holding one node config, written from `text(dir)`; `file` is its path. */
export function configFileIn(text: (dir: string) => string, name = 'node.yaml'): { path: string; file: string; cleanup(): void } {
  const dir = tempDir();
  const file = path.join(dir.path, name);
  writeFileSync(file, text(dir.path));
  return { ...dir, file };
}
