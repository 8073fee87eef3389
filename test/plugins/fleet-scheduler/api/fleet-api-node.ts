import { CORE, type SchedulingConstraint } from '../../../../core/index.js';
import { GlobalConstraint } from '../../../../plugins/fleet-constraint-global/global-constraint.js';
import { FleetApiRoutes } from '../../../../plugins/fleet-scheduler/api/fleet-routes.js';
import { fleetSchedulerConfigSchema } from '../../../../plugins/fleet-scheduler/config.js';
import { FleetCluster } from '../../../../plugins/fleet-scheduler/fleet-cluster.js';
import { FleetRegistry } from '../../../../plugins/fleet-scheduler/registry/fleet-registry.js';
import type { DesiredState, UnitStateRecord } from '../../../../plugins/fleet-scheduler/registry/records.js';
import { RunningFleet } from '../../../../plugins/fleet-scheduler/running-fleet.js';
import { FLEET_SCHEDULER } from '../../../../plugins/fleet-scheduler/tokens.js';
import raftKv from '../../../../plugins/raft-kv/index.js';
import { curl } from '../../../support/curl.js';
import { freePorts } from '../../../support/ports.js';
import { startTestNode, type TestNode } from '../../../support/test-node.js';

/**
 * A single-member raft-kv node whose API serves the fleet routes over a registry under
 * /_test/fleet, without the scheduler's engine or agent: tests play the machines themselves.
 */
export interface FleetApiNode {
  node: TestNode;
  url: string;
  registry: FleetRegistry;
  cluster: FleetCluster;
  /** Take the cluster away (the plugin stopped) or give it back. */
  running: RunningFleet;
  stop(): Promise<void>;
}

export async function startFleetApiNode(options: { pageSize?: number; constraints?: SchedulingConstraint[]; bodyLimit?: string } = {}): Promise<FleetApiNode> {
  const [peerPort] = await freePorts(1);
  const running = new RunningFleet();
  const node = await startTestNode({
    catalog: [raftKv],
    config: {
      node: { name: 'api' },
      ...(options.bodyLimit ? { api: { bodyLimit: options.bodyLimit } } : {}),
      plugins: { 'raft-kv': { peerPort, tick: '20ms' } },
    },
    configure(container) {
      container.register(FLEET_SCHEDULER.Running, { useValue: running });
      container.register(FLEET_SCHEDULER.Config, { useValue: fleetSchedulerConfigSchema.parse({ pageSize: options.pageSize ?? 2 }) });
      container.register(CORE.HttpRoute, { useClass: FleetApiRoutes });
    },
  });
  for (let i = 0; i < 250 && (await curl(`${node.url}/health`)).status !== 200; i++) await sleep(20);
  const registry = new FleetRegistry(node.kernel.container.resolve(CORE.KvStore), '/_test/fleet');
  const constraints = options.constraints ?? [new GlobalConstraint()];
  const cluster = new FleetCluster(registry, () => constraints);
  running.cluster = cluster;
  return { node, url: node.url, registry, cluster, running, stop: () => node.stop() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes every record under the test prefix, so each test starts from an empty registry. */
export async function clearRegistry(api: FleetApiNode): Promise<void> {
  await api.registry.kv.delete('/_test/fleet', { dir: true, recursive: true }).catch(() => undefined);
}

/** A machine as its agent would show it in the registry: presence, assignments, published states. */
export class SimulatedMachine {
  constructor(
    private readonly registry: FleetRegistry,
    readonly id: string,
    readonly publicIp = '10.0.0.1',
    readonly metadata: Record<string, string[]> = {},
  ) {}

  get short(): string {
    return `${this.id.slice(0, 8)}...`;
  }

  join(): Promise<void> {
    return this.registry.heartbeat({ id: this.id, name: this.id.slice(0, 8), publicIp: this.publicIp, metadata: this.metadata, version: '0.1.0' }, 60);
  }

  /** The engine's decision: the unit goes to this machine, with its current content. */
  async place(unit: string, desiredState: Exclude<DesiredState, 'inactive'>): Promise<void> {
    const job = await this.registry.job(unit);
    await this.registry.assign(this.id, unit, { hash: job!.hash, desiredState });
  }

  unplace(unit: string): Promise<void> {
    return this.registry.unassign(this.id, unit);
  }

  /** What this machine's agent publishes: every unit it holds, with its systemd state. */
  async report(units: Record<string, Partial<UnitStateRecord>>): Promise<void> {
    const full: Record<string, UnitStateRecord> = {};
    for (const [name, state] of Object.entries(units)) {
      const hash = state.hash ?? (await this.registry.job(name))?.hash ?? '';
      full[name] = { loadState: 'loaded', activeState: 'inactive', subState: 'dead', launched: false, ...state, hash };
    }
    await this.registry.publishStates(this.id, full, 60);
  }
}

export const machineId = (digit: string) => digit.repeat(32);
