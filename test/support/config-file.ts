import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadNodeConfig, type LoadNodeConfigOptions, type PluginCatalog } from '../../core/index.js';
import { rejects } from './rejects.js';
import { tempDir } from './temp-dir.js';

/** Writes `text` as node.yaml in a temp dir and loads it with the real loader. */
export async function loadYaml(text: string, options: Partial<LoadNodeConfigOptions> & { catalog?: PluginCatalog } = {}) {
  const dir = tempDir();
  const file = path.join(dir.path, 'node.yaml');
  writeFileSync(file, text);
  try {
    return { file, dir: dir.path, loaded: await loadNodeConfig({ file, env: {}, catalog: {}, cwd: dir.path, ...options }) };
  } finally {
    dir.cleanup();
  }
}

/** Loads `text` expecting a ConfigError; returns the formatted problems, each "file:line:col: key: message". */
export async function configProblems(text: string, options: Partial<LoadNodeConfigOptions> = {}): Promise<string[]> {
  const dir = tempDir();
  const file = path.join(dir.path, 'node.yaml');
  writeFileSync(file, text);
  try {
    const error = await rejects(() => loadNodeConfig({ file, env: {}, catalog: {}, cwd: dir.path, ...options }), ConfigError);
    return error.message
      .split('\n')
      .map((line) => line.trim().replace(/^invalid configuration(?: \(\d+ problems\))?:\s*/, '').replaceAll(file, 'node.yaml'))
      .filter(Boolean);
  } finally {
    dir.cleanup();
  }
}
