import raftKv from '../../plugins/raft-kv/index.js';
import { curl } from './curl.js';
import { freePorts } from './ports.js';
import { startTestNode, type TestNode } from './test-node.js';

export interface InProcessCluster {
  nodes: (TestNode | undefined)[];
  names: string[];
  /** The API URL of the member that currently leads, as the members report it. */
  leaderUrl(): Promise<string>;
  stopNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** N raft-kv members in this process, each a whole node (kernel, API, peer port) on loopback. */
export async function startInProcessCluster(size: number, settings: Record<string, unknown> = {}): Promise<InProcessCluster> {
  const peerPorts = await freePorts(size);
  const names = peerPorts.map((_, i) => `m${i + 1}`);
  const initialCluster = Object.fromEntries(names.map((name, i) => [name, `http://127.0.0.1:${peerPorts[i]}`]));
  const nodes = await Promise.all(
    names.map((name, i) =>
      startTestNode({
        catalog: [raftKv],
        config: { node: { name }, plugins: { 'raft-kv': { peerPort: peerPorts[i], initialCluster, tick: '20ms', ...settings } } },
      }),
    ),
  );
  const cluster: InProcessCluster = {
    nodes,
    names,
    async leaderUrl() {
      for (let attempt = 0; attempt < 250; attempt++) {
        for (const node of cluster.nodes) {
          if (!node) continue;
          const leader = await curl(`${node.url}/v2/members/leader`).catch(() => undefined);
          if (leader?.status === 200 && leader.json().clientURLs?.length) return leader.json().clientURLs[0] as string;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no leader with a published client URL within 5 s');
    },
    async stopNode(index) {
      await cluster.nodes[index]?.stop();
      cluster.nodes[index] = undefined;
    },
    async stop() {
      await Promise.all(cluster.nodes.map((node) => node?.stop()));
    },
  };
  return cluster;
}
