import type { PluginCatalog } from '../core/index.js';

/**
 * The built-in plugins by id. Each entry imports its plugin only when a node config names it,
 * so a node pays for no plugin it does not run.
 */
export const BUILTIN_PLUGINS: PluginCatalog = Object.freeze({
  'raft-kv': async () => (await import('./raft-kv/index.js')).default,
  journal: async () => (await import('./journal/index.js')).default,
  'systemd-unit': async () => (await import('./systemd-unit/index.js')).default,
  'docker-runtime': async () => (await import('./docker-runtime/index.js')).default,
});
