import path from 'node:path';
import { CORE, definePlugin, FLOTILLA_VERSION, type PluginContext, type SchedulingConstraint } from '../../core/index.js';
import { FleetAgent } from './agent/fleet-agent.js';
import { LoadedUnits } from './agent/loaded-units.js';
import { FleetApiRoutes } from './api/fleet-routes.js';
import { FleetClusterRoutes } from './cluster-routes.js';
import { fleetSchedulerConfigSchema, type FleetSchedulerConfig } from './config.js';
import { FleetEngine } from './engine/fleet-engine.js';
import { FleetCluster } from './fleet-cluster.js';
import { FleetRegistry } from './registry/fleet-registry.js';
import type { MachineRecord } from './registry/records.js';
import { RunningFleet } from './running-fleet.js';
import { FLEET_SCHEDULER } from './tokens.js';

export default definePlugin<FleetSchedulerConfig>({
  id: 'fleet-scheduler',
  version: FLOTILLA_VERSION,
  description: "The cluster's init system: units submitted once run on a machine chosen by the constraint plugins, and move when it dies.",
  dependsOn: ['raft-kv'],
  startsAfter: ['systemd-unit'],
  config: fleetSchedulerConfigSchema,
  configToken: FLEET_SCHEDULER.Config,
  register({ container }) {
    const running = new RunningFleet();
    container.register(FLEET_SCHEDULER.Running, { useValue: running });
    container.register(FLEET_SCHEDULER.Cluster, { useFactory: () => running.get() });
    container.register(CORE.HttpRoute, { useClass: FleetApiRoutes });
    container.register(CORE.HttpRoute, { useClass: FleetClusterRoutes });
  },
  async start(ctx) {
    const { container, config, log, node } = ctx;
    const running = container.resolve(FLEET_SCHEDULER.Running);
    const registry = new FleetRegistry(container.resolve(CORE.KvStore), config.keyPrefix);
    const constraints = (): readonly SchedulingConstraint[] =>
      container.isRegistered(CORE.SchedulingConstraint, true) ? container.resolveAll(CORE.SchedulingConstraint) : [];
    running.cluster = new FleetCluster(registry, constraints);
    if (constraints().length === 0) log.warn('no scheduling constraints are enabled: units go to the machine with the lowest id');

    if (config.engine) {
      running.engine = new FleetEngine({
        registry,
        machineId: node.machineId,
        constraints,
        reconcileMs: config.reconcileInterval,
        leaseTtlMs: config.engineLeaseTtl,
        machinesToScore: config.machinesToScore,
        log: log.child({ component: 'engine' }),
      });
      running.engine.start();
    }
    if (config.agent) {
      if (!container.isRegistered(CORE.UnitManager, true)) {
        throw new Error('the fleet agent runs units through a unit manager: enable the systemd-unit plugin, or set agent: false');
      }
      const loaded = new LoadedUnits(path.join(ctx.dataDir, 'loaded-units.json'));
      await loaded.read();
      running.agent = new FleetAgent({
        registry,
        units: container.resolve(CORE.UnitManager),
        loaded,
        machine: () => machineRecord(ctx),
        ttlMs: config.machineTtl,
        heartbeatMs: config.heartbeatInterval || Math.floor(config.machineTtl / 3),
        reconcileMs: config.agentReconcileInterval,
        log: log.child({ component: 'agent' }),
      });
      await running.agent.start();
    }
  },
  ready({ container, log }) {
    // Not awaited: a store still electing its leader must not hold the node's start up.
    void container.resolve(FLEET_SCHEDULER.Running).agent?.announce().catch((err) => log.debug({ err }, 'heartbeat with the API address not taken; the next one carries it'));
  },
  async stop({ container }) {
    const running = container.resolve(FLEET_SCHEDULER.Running);
    await running.agent?.stop();
    await running.engine?.stop();
    running.agent = undefined;
    running.engine = undefined;
    running.cluster = undefined;
  },
});

function machineRecord({ container, config, node }: PluginContext<FleetSchedulerConfig>): MachineRecord {
  const apiUrl = container.resolve(CORE.ApiEndpoint).url;
  const publicIp = config.publicIp ?? (apiUrl ? new URL(apiUrl).hostname.replace(/^\[|\]$/g, '') : '127.0.0.1');
  return { id: node.machineId, name: node.name, publicIp, apiUrl, metadata: toMutable(node.metadata), version: node.version };
}

function toMutable(metadata: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(metadata).map(([key, values]) => [key, [...values]]));
}
