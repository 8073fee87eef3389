import { RaftNode } from '../../plugins/raft-kv/raft/raft-node.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, RaftConfig, ReadState, Ready, Snapshot } from '../../plugins/raft-kv/raft/types.js';
import { seededRandom } from './seeded-random.js';


export const BASE_CONFIG: Omit<RaftConfig, 'id'> = {
  electionTick: 10,
  heartbeatTick: 1,
  preVote: true,
  checkQuorum: true,
  maxInflight: 64,
  maxEntriesPerMessage: 64,
};

/** What a member keeps on disk: everything it was asked to persist, nothing else. */
export interface Disk {
  hardState: HardState;
  snapshot?: Snapshot;
  entries: Entry[];
}

export class TestNode {
  raft: RaftNode;
  disk: Disk;
  /** Every entry this member's state machine applied, in order (across snapshot restores). */
  applied: Entry[] = [];
  appliedIndex: number;
  readStates: ReadState[] = [];
  snapshotsRestored: Snapshot[] = [];
  readies: Ready[] = [];
  confs: ConfState[] = [];

  constructor(
    readonly id: NodeId,
    readonly config: RaftConfig,
    disk: Disk,
    readonly seed: number,
    readonly initialConf?: ConfState,
  ) {
    this.disk = disk;
    this.appliedIndex = disk.snapshot?.meta.index ?? 0;
    const restored = {
      hardState: { ...disk.hardState },
      entries: disk.entries.map((entry) => ({ ...entry })),
      ...(disk.snapshot ? { snapshot: disk.snapshot } : {}),
      ...(initialConf ? { initialConf } : {}),
    };
    this.raft = new RaftNode({ ...config, applied: this.appliedIndex }, restored, seededRandom(seed));
  }

  /** One Ready: persist, send, apply, advance. */
  handleReady(send: (message: Message) => void): boolean {
    if (!this.raft.hasReady()) return false;
    const ready = this.raft.ready();
    this.readies.push(ready);
    if (ready.snapshot) {
      this.disk.snapshot = ready.snapshot;
      this.disk.entries = [];
    }
    if (ready.entries.length > 0) {
      const first = ready.entries[0]!.index;
      const offset = this.disk.snapshot?.meta.index ?? 0;
      this.disk.entries = this.disk.entries.slice(0, first - offset - 1).concat(ready.entries.map((entry) => ({ ...entry })));
    }
    if (ready.hardState) this.disk.hardState = { ...ready.hardState };
    for (const message of ready.messages) send(structuredClone(message));
    if (ready.snapshot) {
      this.snapshotsRestored.push(ready.snapshot);
      this.appliedIndex = ready.snapshot.meta.index;
    }
    for (const entry of ready.committedEntries) {
      if (entry.index !== this.appliedIndex + 1) throw new Error(`${this.id} applies ${entry.index} after ${this.appliedIndex}`);
      const durable = this.disk.entries.find((held) => held.index === entry.index);
      if (!durable || durable.term !== entry.term) throw new Error(`${this.id} applies entry ${entry.index} that is not durable`);
      this.applied.push(entry);
      this.appliedIndex = entry.index;
      if (entry.type === 'conf') this.confs.push(this.raft.applyConfChange(JSON.parse(entry.data) as ConfChange));
    }
    this.readStates.push(...ready.readStates);
    this.raft.advance(ready);
    return true;
  }

  /** Data of the applied normal entries, without the leaders' empty no-ops. */
  appliedData(): string[] {
    return this.applied.filter((entry) => entry.type === 'normal' && entry.data !== '').map((entry) => entry.data);
  }
}

export interface ClusterOptions {
  config?: Partial<RaftConfig>;
  /** Per-member disks to start from (restart scenarios). */
  disks?: Record<NodeId, Disk>;
  seed?: number;
}

/**
 * Several members and a network between them, driven by hand: a message is delivered only when
 * the test pumps, and links can be cut or messages filtered.
 */
export class Cluster {
  readonly nodes = new Map<NodeId, TestNode>();
  queue: Message[] = [];
  /** Every message delivered, in order. */
  delivered: Message[] = [];
  private readonly cut = new Set<string>();
  /** Return false to drop a message. */
  filter: ((message: Message) => boolean) | undefined;
  private seedCounter: number;

  constructor(
    readonly ids: NodeId[],
    private readonly options: ClusterOptions = {},
  ) {
    this.seedCounter = options.seed ?? 1;
    for (const id of ids) this.start(id, { voters: ids, learners: [] }, options.disks?.[id]);
  }

  config(id: NodeId): RaftConfig {
    return { ...BASE_CONFIG, ...this.options.config, id };
  }

  /** Starts (or restarts) a member from its disk. */
  start(id: NodeId, initialConf?: ConfState, disk?: Disk): TestNode {
    const existing = this.nodes.get(id);
    const from = disk ?? existing?.disk ?? { hardState: { term: 0, vote: null, commit: 0 }, entries: [] };
    const copy: Disk = { hardState: { ...from.hardState }, entries: from.entries.map((entry) => ({ ...entry })), ...(from.snapshot ? { snapshot: from.snapshot } : {}) };
    const conf = copy.snapshot ? undefined : (initialConf ?? existing?.initialConf);
    const node = new TestNode(id, this.config(id), copy, this.seedCounter++, conf);
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): TestNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  raft(id: NodeId): RaftNode {
    return this.node(id).raft;
  }

  stop(id: NodeId): void {
    this.nodes.delete(id);
  }

  isolate(id: NodeId): void {
    for (const other of this.ids) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  heal(): void {
    this.cut.clear();
    this.filter = undefined;
  }

  /** Handles every pending Ready once and delivers what is queued; true if anything happened. */
  round(): boolean {
    let worked = false;
    for (const node of this.nodes.values()) {
      while (node.handleReady((message) => this.queue.push(message))) worked = true;
    }
    const batch = this.queue;
    this.queue = [];
    for (const message of batch) {
      worked = true;
      this.deliver(message);
    }
    return worked;
  }

  deliver(message: Message): void {
    if (this.cut.has(`${message.from}>${message.to}`)) return;
    if (this.filter && !this.filter(message)) return;
    const node = this.nodes.get(message.to);
    if (!node) return;
    this.delivered.push(message);
    node.raft.step(message);
  }

  /** Pumps until nothing is left to do (or `until` holds). */
  settle(until?: () => boolean): void {
    for (let i = 0; i < 10_000; i++) {
      if (until?.()) return;
      if (!this.round()) return;
    }
    throw new Error('cluster did not settle');
  }

  tick(ids: NodeId[] = [...this.nodes.keys()], times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const id of ids) this.nodes.get(id)?.raft.tick();
      this.settle();
    }
  }

  /** Ticks everyone until `predicate` holds; fails after `limit` ticks. */
  tickUntil(predicate: () => boolean, limit = 1000): number {
    for (let i = 0; i < limit; i++) {
      if (predicate()) return i;
      this.tick();
    }
    if (predicate()) return limit;
    throw new Error('condition not reached by ticking');
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((node) => node.raft.status().role === 'leader').map((node) => node.id);
  }

  /** The single leader of the highest term. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const node of this.nodes.values()) {
      const status = node.raft.status();
      if (status.role === 'leader' && (!best || status.term > best.term)) best = { id: node.id, term: status.term };
    }
    return best?.id;
  }

  /** Makes `id` campaign and pumps until the election is over. */
  elect(id: NodeId): void {
    this.raft(id).campaign();
    this.settle();
    if (this.raft(id).status().role !== 'leader') throw new Error(`${id} did not win`);
  }

  /** Proposes on `id` and pumps until quiet. */
  proposeAll(id: NodeId, data: string[]): void {
    for (const item of data) {
      const result = this.raft(id).propose(item);
      if (!result.accepted) throw new Error(`proposal refused: ${result.reason}`);
    }
    this.settle();
  }
}

/** A disk holding `terms[i]` as the term of entry i+1, data naming index and term. */
export function diskWithTerms(terms: number[], hardState: HardState): Disk {
  return { hardState, entries: terms.map((term, i) => ({ index: i + 1, term, type: 'normal', data: `e${i + 1}t${term}` })) };
}
