import { RaftNode } from '../../../plugins/raft-kv/raft/raft-node.js';
import type { ConfChange, ConfState, Message, NodeId, RaftConfig, RaftStatus, ReadState, Ready, RestoredState } from '../../../plugins/raft-kv/raft/types.js';
import { type KvCommand, type KvResult, KvStateMachine } from './kv-state-machine.js';
import type { Rng } from './prng.js';
import type { SafetyChecker } from './safety-checker.js';
import { SimStorage } from './sim-storage.js';
import { violation } from './violations.js';

/** Where in handling a Ready a crash strikes; 'idle' is between Readies. */
export type CrashPoint = 'idle' | 'beforePersist' | 'afterPersist' | 'afterSend' | 'afterApply';

/** What a node's driver reports to the simulation around it. */
export interface DriverHost {
  readonly safety: SafetyChecker;
  /** False on ordinary runs, so trace lines are never even formatted. */
  readonly tracing: boolean;
  send(message: Message, incarnation: number): void;
  trace(line: string): void;
  /** `first` when this is the first application of the entry anywhere in the cluster. */
  onCommandApplied(node: SimNode, command: KvCommand, result: KvResult, first: boolean): void;
  onConfApplied(node: SimNode, change: ConfChange, index: number, conf: ConfState): void;
  /** A read whose ReadState arrived may now be served: the node applied up to its index. */
  onReadServable(node: SimNode, read: ReadState): void;
  onCrashed(node: SimNode): void;
}

/**
 * One simulated member: the Raft core, its driver loop (persist, send, apply, advance), its
 * disk and its key/value state machine.
 */
export class SimNode {
  readonly storage = new SimStorage();
  raft: RaftNode | undefined;
  machine = new KvStateMachine();
  /** Highest index this node's state machine ever applied, across restarts. */
  appliedEver = 0;
  crashAt: CrashPoint | undefined;
  removed = false;
  /** A paused node neither ticks nor handles messages or Readies until this tick. */
  pausedUntil = 0;
  /** Below 1 for a node whose clock runs slow. */
  tickRate = 1;
  /** Counts starts, so a restarted node is not told about its previous life's snapshots. */
  incarnation = 0;
  private waitingReads: ReadState[] = [];
  private compacted = 0;

  constructor(
    readonly id: NodeId,
    readonly name: string,
    private readonly baseConfig: Omit<RaftConfig, 'id' | 'applied'>,
    private readonly initialConf: ConfState,
    private readonly host: DriverHost,
  ) {}

  get alive(): boolean {
    return this.raft !== undefined;
  }

  /** Starts the core from whatever the disk holds (nothing, for a brand-new member). */
  start(rng: Rng): void {
    const snapshot = this.storage.snapshot;
    this.machine = snapshot ? KvStateMachine.restore(snapshot.data) : new KvStateMachine();
    const applied = snapshot?.meta.index ?? 0;
    const restored: RestoredState = {
      hardState: { ...this.storage.hardState },
      entries: this.storage.entries.map((entry) => ({ ...entry })),
      ...(snapshot ? { snapshot: { meta: structuredClone(snapshot.meta), data: snapshot.data.slice() } } : { initialConf: structuredClone(this.initialConf) }),
    };
    this.waitingReads = [];
    this.compacted = applied;
    this.crashAt = undefined;
    this.incarnation++;
    this.raft = new RaftNode({ ...this.baseConfig, id: this.id, applied }, restored, () => rng.next());
  }

  /** Loses everything not on disk. */
  crash(): void {
    this.raft = undefined;
    this.crashAt = undefined;
    this.waitingReads = [];
    if (this.host.tracing) this.host.trace(`${this.name} crashed (disk: last index ${this.storage.lastIndex()}, snapshot ${this.storage.offset}, ${hardStateText(this.storage.hardState)})`);
    this.host.onCrashed(this);
  }

  status(): RaftStatus | undefined {
    return this.raft?.status();
  }

  /** Handles one Ready if there is one; false when there was none. */
  handleReady(): boolean {
    const raft = this.raft;
    if (!raft || !raft.hasReady()) return false;
    const ready = raft.ready();
    if (this.host.tracing) this.host.trace(`${this.name} ready ${readyText(ready)}`);
    if (ready.softState?.role === 'leader') this.host.safety.observeLeader(this.name, raft.status().term);
    if (this.crashAt === 'beforePersist') return this.crash(), true;
    this.persist(ready);
    if (this.crashAt === 'afterPersist') return this.crash(), true;
    for (const message of ready.messages) {
      if (message.from !== this.id) violation('message origin', `${this.name} emitted a message from ${message.from}`);
      this.host.send(message, this.incarnation);
    }
    if (this.crashAt === 'afterSend') return this.crash(), true;
    this.apply(ready);
    if (this.crashAt === 'afterApply') return this.crash(), true;
    raft.advance(ready);
    return true;
  }

  private persist(ready: Ready): void {
    const { storage } = this;
    if (ready.snapshot) {
      if (ready.snapshot.meta.index < this.machine.applied) {
        violation('state machine safety', `${this.name} got a snapshot at ${ready.snapshot.meta.index} to install after applying up to ${this.machine.applied}`);
      }
      storage.installSnapshot(ready.snapshot);
    }
    if (ready.entries.length > 0) {
      const { overwritten, gapAfter } = storage.append(ready.entries);
      if (gapAfter !== undefined) violation('log continuity', `${this.name} was asked to persist entries from ${ready.entries[0]!.index} after durable last index ${gapAfter}`);
      this.host.safety.onDurableEntries(this.name, storage, ready.entries, overwritten, this.appliedEver);
    }
    if (ready.hardState) {
      this.host.safety.onHardState(this.name, storage.hardState, ready.hardState, storage.lastIndex());
      storage.setHardState(ready.hardState);
    }
  }

  private apply(ready: Ready): void {
    const raft = this.raft!;
    if (ready.snapshot) {
      const before = this.machine.applied;
      this.machine = KvStateMachine.restore(ready.snapshot.data);
      this.host.safety.onSnapshotRestored(this.name, ready.snapshot.meta, this.machine.digest, before);
      this.appliedEver = Math.max(this.appliedEver, ready.snapshot.meta.index);
    }
    for (const entry of ready.committedEntries) {
      if (entry.index !== this.machine.applied + 1) {
        violation('apply order', `${this.name} was handed entry ${entry.index} to apply after applying up to ${this.machine.applied}`);
      }
      const command = this.machine.apply(entry);
      const { first } = this.host.safety.onApply(this.name, entry, this.storage, this.machine.digest);
      this.appliedEver = Math.max(this.appliedEver, entry.index);
      if (entry.type === 'conf') {
        const change = JSON.parse(entry.data) as ConfChange;
        const conf = raft.applyConfChange(change);
        this.host.safety.onConfApplied(this.name, entry.index, conf);
        this.host.onConfApplied(this, change, entry.index, conf);
      } else if (command) {
        this.host.onCommandApplied(this, command, this.machine.resultOf(command.id)!, first);
      }
    }
    this.waitingReads.push(...ready.readStates);
    this.serveReads();
  }

  private serveReads(): void {
    const servable = this.waitingReads.filter((read) => read.index <= this.machine.applied);
    if (servable.length === 0) return;
    this.waitingReads = this.waitingReads.filter((read) => read.index > this.machine.applied);
    for (const read of servable) this.host.onReadServable(this, read);
  }

  /** Snapshots the state machine and compacts the log once enough was applied since the last. */
  maybeSnapshot(every: number, trailing: number): void {
    const raft = this.raft;
    if (!raft || raft.hasReady()) return;
    const applied = this.machine.applied;
    if (applied - this.storage.offset < every) return;
    const snapshot = raft.createSnapshot(applied, this.machine.snapshot());
    if (snapshot.meta.index !== applied) violation('snapshot', `${this.name} asked for a snapshot at ${applied} and got one at ${snapshot.meta.index}`);
    this.host.safety.checkSnapshotConf(this.name, snapshot.meta);
    this.storage.saveOwnSnapshot(snapshot);
    const compactTo = Math.max(this.compacted, applied - trailing);
    if (compactTo > this.compacted) {
      raft.compact(compactTo);
      this.compacted = compactTo;
    }
    if (this.host.tracing) this.host.trace(`${this.name} snapshot at ${applied} (term ${snapshot.meta.term}), compacted to ${compactTo}`);
  }
}

export function hardStateText(hardState: { term: number; vote: string | null; commit: number }): string {
  return `term ${hardState.term} vote ${hardState.vote === null ? '-' : `n${parseInt(hardState.vote, 16)}`} commit ${hardState.commit}`;
}

function readyText(ready: Ready): string {
  const parts: string[] = [];
  if (ready.softState) parts.push(`soft ${ready.softState.role} leader ${ready.softState.leader ?? '-'}`);
  if (ready.hardState) parts.push(`hard ${hardStateText(ready.hardState)}`);
  if (ready.snapshot) parts.push(`snapshot ${ready.snapshot.meta.index}/${ready.snapshot.meta.term}`);
  if (ready.entries.length) parts.push(`persist ${rangeText(ready.entries)}`);
  if (ready.messages.length) parts.push(`send ${ready.messages.length}`);
  if (ready.committedEntries.length) parts.push(`apply ${rangeText(ready.committedEntries)}`);
  if (ready.readStates.length) parts.push(`reads ${ready.readStates.map((read) => `${read.context}@${read.index}`).join(' ')}`);
  return parts.join(', ') || 'empty';
}

function rangeText(entries: readonly { index: number; term: number }[]): string {
  const first = entries[0]!;
  const last = entries.at(-1)!;
  return first === last ? `${first.index}/${first.term}` : `${first.index}/${first.term}..${last.index}/${last.term}`;
}
