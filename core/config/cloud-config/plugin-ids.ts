/** The built-in plugins a cloud-config document turns on, by the ids plugins/catalog.ts gives them. */
export const PLUGIN = Object.freeze({
  kv: 'raft-kv',
  discovery: 'discovery',
  journal: 'journal',
  cloudConfig: 'cloud-config',
  units: 'systemd-unit',
  docker: 'docker-runtime',
  fleet: 'fleet-scheduler',
});

/** fleet's placement rules, one plugin each; `coreos.fleet` runs all of them, as fleet had them all. */
export const FLEET_CONSTRAINTS = Object.freeze([
  'fleet-constraint-machine-id',
  'fleet-constraint-machine-of',
  'fleet-constraint-metadata',
  'fleet-constraint-conflicts',
  'fleet-constraint-global',
  'fleet-constraint-replaces',
  'fleet-constraint-least-loaded',
]);

/** The order the plugins appear in the node config (so the order they start in when nothing else decides). */
export const PLUGIN_ORDER: readonly string[] = [
  PLUGIN.kv,
  PLUGIN.discovery,
  PLUGIN.journal,
  PLUGIN.cloudConfig,
  PLUGIN.docker,
  PLUGIN.units,
  PLUGIN.fleet,
  ...FLEET_CONSTRAINTS,
];
