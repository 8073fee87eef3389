import {
  CORE,
  type ClusterMachine,
  type KvStore,
  type RuntimePlugin,
  type UnitManager,
  type UnitStatus,
} from '../../core/index.js';
import fleetScheduler from '../../plugins/fleet-scheduler/index.js';
import { FleetRegistry } from '../../plugins/fleet-scheduler/registry/fleet-registry.js';
import type { DesiredState } from '../../plugins/fleet-scheduler/registry/records.js';
import { FLEET_SCHEDULER } from '../../plugins/fleet-scheduler/tokens.js';
import { parseUnitOptions } from '../../plugins/fleet-scheduler/unit-file/unit-options.js';
import journal from '../../plugins/journal/index.js';
import raftKv from '../../plugins/raft-kv/index.js';
import { RAFT_KV } from '../../plugins/raft-kv/tokens.js';
import systemdUnit from '../../plugins/systemd-unit/index.js';
import { freePorts } from './ports.js';
import { startTestNode, type TestNode } from './test-node.js';

export interface FleetNodeSpec {
  name?: string;
  metadata?: Record<string, string | number | boolean | (string | number)[]>;
  fleet?: Record<string, unknown>;
}

export interface FleetNodesOptions {
  nodes: FleetNodeSpec[];
  /** Constraint plugins offered and enabled on every node. */
  constraints?: RuntimePlugin<any>[];
  /** Extra plugin settings on every node, by plugin id. */
  plugins?: Record<string, unknown>;
  fleet?: Record<string, unknown>;
}

/** A whole node (kernel, raft-kv member, units, journal, fleet scheduler) in this process. */
export interface FleetNode {
  index: number;
  name: string;
  node: TestNode | undefined;
  machineId: string;
  /** Stops the node gracefully: its agent unloads its units and leaves the cluster. */
  stop(): Promise<void>;
}

const FAST_RAFT = { tick: '20ms' };

/**
 * N fleet machines in one process that share one raft-kv cluster (each node a member), each with
 * its own unit supervisor and journal: the several-kernels-in-one-process test rig.
 */
export class FleetNodes {
  private constructor(readonly nodes: FleetNode[]) {}

  static async start(options: FleetNodesOptions): Promise<FleetNodes> {
    const peerPorts = await freePorts(options.nodes.length);
    const names = options.nodes.map((spec, i) => spec.name ?? `m${i + 1}`);
    const initialCluster = Object.fromEntries(names.map((name, i) => [name, `http://127.0.0.1:${peerPorts[i]}`]));
    const constraintIds = Object.fromEntries((options.constraints ?? []).map((plugin) => [plugin.id, {}]));
    const started = await Promise.all(
      options.nodes.map((spec, i) =>
        startTestNode({
          catalog: [raftKv, journal, systemdUnit, fleetScheduler, ...(options.constraints ?? [])],
          config: {
            node: { name: names[i], metadata: spec.metadata ?? {} },
            plugins: {
              'raft-kv': { peerPort: peerPorts[i], initialCluster, ...FAST_RAFT },
              journal: {},
              'systemd-unit': {},
              'fleet-scheduler': { ...options.fleet, ...spec.fleet },
              ...constraintIds,
              ...options.plugins,
            },
          },
        }),
      ),
    );
    return new FleetNodes(
      started.map((node, index) => {
        const entry: FleetNode = {
          index,
          name: names[index]!,
          node,
          machineId: node.kernel.container.resolve(CORE.Node).machineId,
          stop: async () => {
            const running = entry.node;
            entry.node = undefined;
            await running?.stop();
          },
        };
        return entry;
      }),
    );
  }

  live(): FleetNode[] {
    return this.nodes.filter((n) => n.node !== undefined);
  }

  kv(node = this.live()[0]!): KvStore {
    return node.node!.kernel.container.resolve(CORE.KvStore);
  }

  registry(node = this.live()[0]!): FleetRegistry {
    return node.node!.kernel.container.resolve(FLEET_SCHEDULER.Cluster).registry;
  }

  units(node: FleetNode): UnitManager {
    return node.node!.kernel.container.resolve(CORE.UnitManager);
  }

  byMachine(machineId: string): FleetNode | undefined {
    return this.nodes.find((n) => n.machineId === machineId);
  }

  /** Submits a unit file (text) with a desired state, as the fleet API would. */
  async submit(name: string, text: string, desiredState: DesiredState = 'launched'): Promise<void> {
    await this.registry().putUnit(name, parseUnitOptions(text), desiredState);
  }

  async destroyUnit(name: string): Promise<void> {
    await this.registry().destroyUnit(name);
  }

  /** Unit → machines it is assigned to, from the registry. */
  async placements(): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (const [machine, assignments] of await this.registry().schedule()) {
      for (const unit of assignments.keys()) result.set(unit, [...(result.get(unit) ?? []), machine]);
    }
    return result;
  }

  /** Units active (or activating) on each live node, by what its supervisor says. */
  async activeUnits(): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (const node of this.live()) {
      const list: UnitStatus[] = await this.units(node).list();
      for (const status of list) {
        if (status.activeState === 'active' || status.activeState === 'activating' || status.activeState === 'reloading') {
          result.set(status.name, [...(result.get(status.name) ?? []), node.machineId]);
        }
      }
    }
    return result;
  }

  async machines(): Promise<ClusterMachine[]> {
    return this.registry().machines();
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Cuts a node's raft traffic both ways (or restores it): a network partition around that machine. */
export function partition(node: FleetNode, cut: boolean): void {
  node.node!.kernel.container.resolve(RAFT_KV.Driver).transport.blackholed = cut;
}
