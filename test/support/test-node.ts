import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  Kernel,
  loadNodeConfig,
  type DependencyContainer,
  type LoadedNodeConfig,
  type PluginCatalog,
  type RuntimePlugin,
} from '../../core/index.js';
import { tempDir } from './temp-dir.js';

export interface TestNodeOptions {
  /** Plugins offered as built-ins; the config still decides which run. */
  catalog?: readonly RuntimePlugin<any>[];
  /** The node config as it would be written in YAML; dataDir and api.port default to a temp dir and 0. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  configure?: (container: DependencyContainer) => void;
}

export interface TestNode {
  kernel: Kernel;
  loaded: LoadedNodeConfig;
  /** Base URL of the node's API. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export function catalogOf(plugins: readonly RuntimePlugin<any>[]): PluginCatalog {
  return Object.fromEntries(plugins.map((plugin) => [plugin.id, async () => plugin]));
}

/** Writes the config to a file, loads it through the real loader and prepares a kernel. */
export async function loadTestNode(options: TestNodeOptions = {}): Promise<{ loaded: LoadedNodeConfig; kernel: Kernel; dir: string; cleanup(): void }> {
  const dir = tempDir();
  const config = { dataDir: path.join(dir.path, 'data'), ...options.config, api: { port: 0, ...(options.config?.api as object) } };
  const file = path.join(dir.path, 'node.yaml');
  writeFileSync(file, stringify(config));
  const loaded = await loadNodeConfig({ file, env: options.env ?? {}, catalog: catalogOf(options.catalog ?? []) });
  const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins, configure: options.configure });
  return { loaded, kernel, dir: dir.path, cleanup: dir.cleanup };
}

export async function startTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const { loaded, kernel, dir, cleanup } = await loadTestNode(options);
  try {
    await kernel.start();
  } catch (error) {
    cleanup();
    throw error;
  }
  const { port } = kernel.apiAddress!;
  return {
    kernel,
    loaded,
    dir,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      try {
        await kernel.stop();
      } finally {
        cleanup();
      }
    },
  };
}
