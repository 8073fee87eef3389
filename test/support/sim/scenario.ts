import type { NetworkFaults } from './sim-network.js';
import { createRng } from './prng.js';

/** Everything a run varies, drawn from its seed alone. */
export interface Scenario {
  seed: number;
  nodes: 3 | 5;
  profile: 'calm' | 'lossy' | 'partitions' | 'crashes' | 'chaos';
  /** Ticks with faults, then up to `quietTicks` of a healed, quiet network for liveness. */
  faultTicks: number;
  quietTicks: number;
  raft: { electionTick: number; heartbeatTick: number; preVote: boolean; checkQuorum: boolean; maxInflight: number; maxEntriesPerMessage: number };
  network: NetworkFaults;
  /** Per-tick probabilities. */
  crash: number;
  restart: number;
  partition: number;
  heal: number;
  campaign: number;
  /** A node snapshots once this many entries were applied since its last snapshot. */
  snapshotEvery: number;
  /** Entries the core keeps below a snapshot when compacting. */
  compactTrailing: number;
  membership: boolean;
  transfers: boolean;
  clients: number;
  keys: string[];
  /** Per-tick probability that an idle client starts an operation. */
  opRate: number;
  opTimeout: number;
  /** Per-tick probability that a live node pauses (as under SIGSTOP) for a few election timeouts. */
  pause: number;
  /** Some nodes' clocks tick slower than others'. */
  clockSkew: boolean;
}

/** Odd seeds simulate 3 nodes, even seeds 5, so a seed alone names a whole run. */
export function clusterSizeOf(seed: number): 3 | 5 {
  return seed % 2 === 0 ? 5 : 3;
}

export function scenarioFor(seed: number, ticksScale = 1): Scenario {
  const rng = createRng(seed ^ 0x5eed);
  const profile = rng.pick(['calm', 'lossy', 'partitions', 'crashes', 'chaos'] as const);
  const heavy = (p: Scenario['profile'][]) => p.includes(profile);
  const electionTick = rng.pick([5, 8, 10]);
  return {
    seed,
    nodes: clusterSizeOf(seed),
    profile,
    faultTicks: Math.round(rng.between(150, 350) * ticksScale),
    quietTicks: 60 * electionTick,
    raft: {
      electionTick,
      heartbeatTick: rng.pick([1, 1, 2]),
      preVote: rng.chance(0.8),
      checkQuorum: rng.chance(0.8),
      maxInflight: rng.pick([1, 2, 4, 64]),
      maxEntriesPerMessage: rng.pick([1, 3, 16, 64]),
    },
    network: {
      drop: heavy(['lossy', 'chaos']) ? rng.next() * 0.2 : rng.next() * 0.02,
      duplicate: heavy(['lossy', 'chaos']) ? rng.next() * 0.1 : rng.next() * 0.01,
      maxDelay: heavy(['lossy', 'chaos']) ? rng.between(1, 2 * electionTick) : rng.between(1, 3),
    },
    crash: heavy(['crashes', 'chaos']) ? 0.005 + rng.next() * 0.02 : rng.next() * 0.003,
    restart: 0.02 + rng.next() * 0.1,
    partition: heavy(['partitions', 'chaos']) ? 0.005 + rng.next() * 0.02 : rng.next() * 0.003,
    heal: 0.01 + rng.next() * 0.05,
    campaign: heavy(['chaos']) ? rng.next() * 0.01 : 0,
    snapshotEvery: rng.pick([3, 8, 20, 50]),
    compactTrailing: rng.pick([0, 0, 2, 10]),
    membership: rng.chance(0.35),
    transfers: rng.chance(0.35),
    clients: rng.between(2, 6),
    keys: ['a', 'b', 'c'].slice(0, rng.between(1, 3)),
    opRate: 0.05 + rng.next() * 0.3,
    opTimeout: 6 * electionTick,
    pause: heavy(['crashes', 'chaos', 'partitions']) ? rng.next() * 0.01 : 0,
    clockSkew: rng.chance(0.3),
  };
}
