import type { PluginCatalog } from '../core/index.js';

/**
 * The built-in plugins by id. Each entry imports its plugin only when a node config names it,
 * so a node pays for no plugin it does not run.
 */
export const BUILTIN_PLUGINS: PluginCatalog = Object.freeze({
  'raft-kv': async () => (await import('./raft-kv/index.js')).default,
  discovery: async () => (await import('./discovery/index.js')).default,
  journal: async () => (await import('./journal/index.js')).default,
  'systemd-unit': async () => (await import('./systemd-unit/index.js')).default,
  'cloud-config': async () => (await import('./cloud-config/index.js')).default,
  'docker-runtime': async () => (await import('./docker-runtime/index.js')).default,
  'fleet-scheduler': async () => (await import('./fleet-scheduler/index.js')).default,
  'fleet-constraint-conflicts': async () => (await import('./fleet-constraint-conflicts/index.js')).default,
  'fleet-constraint-global': async () => (await import('./fleet-constraint-global/index.js')).default,
  'fleet-constraint-least-loaded': async () => (await import('./fleet-constraint-least-loaded/index.js')).default,
  'fleet-constraint-machine-id': async () => (await import('./fleet-constraint-machine-id/index.js')).default,
  'fleet-constraint-machine-of': async () => (await import('./fleet-constraint-machine-of/index.js')).default,
  'fleet-constraint-metadata': async () => (await import('./fleet-constraint-metadata/index.js')).default,
  'fleet-constraint-replaces': async () => (await import('./fleet-constraint-replaces/index.js')).default,
});
