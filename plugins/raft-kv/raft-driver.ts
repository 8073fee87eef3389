import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { KvError, KvErrorCode, type Logger } from '../../core/index.js';
import type { RaftKvConfig } from './config.js';
import { KvStateMachine } from './kv-state-machine.js';
import { clusterIdFor } from './member-id.js';
import { decodeLogCommand, encodeLogCommand, type ClusterCommand } from './log-command.js';
import { Membership, type Member } from './membership.js';
import type { PeerStats, PeerTransport } from './peer-transport.js';
import { RaftNode } from './raft/raft-node.js';
import type { ConfChange, Entry, HardState, Message, NodeId, Ready, RestoredState, Role, Snapshot, SoftState } from './raft/types.js';
import type { ApplyOutcome } from './store/v2-store.js';
import { SnapshotStore } from './wal/snapshot-store.js';
import { Wal } from './wal/wal.js';

/** What a member is, as fixed when its data dir was created. */
export interface MemberIdentity {
  /** Empty until a joining member has learnt it from the cluster. */
  memberId: NodeId;
  clusterId: string;
  name: string;
  peerURLs: string[];
  /** Where clients reach this member; known once the node's API listens. */
  clientURLs(): string[];
  /** The founding members, for a new cluster; empty when joining an existing one. */
  initialMembers: Member[];
  /** Peer URLs of running members to ask, when joining an existing cluster. */
  joinVia?: string[];
  /**
   * For a cluster founded through a discovery URL: finds the founding members on the first
   * start. Later starts read them back from the log's metadata.
   */
  discoverFounders?: () => Promise<Member[]>;
}

/** What the log's metadata records about the member that wrote it. */
interface WalMetadata {
  memberId: string;
  clusterId: string;
  /** The founding members, for a cluster founded through discovery. */
  founders?: Member[];
}

interface PendingProposal {
  resolve(outcome: ApplyOutcome | undefined): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface PendingRead {
  run(): void;
  reject(error: Error): void;
  deadline: number;
}

export interface DriverStatus {
  memberId: NodeId;
  term: number;
  /** The Raft commit index (etcd's X-Raft-Index). */
  commit: number;
  applied: number;
  leader: NodeId | null;
  role: Role;
  startedAt: Date;
  leaderSince?: Date;
}

const SYNC_INTERVAL_MS = 500;

/** etcd's error 300, "Raft Internal Error", for anything that is not the store's answer. */
const raftError = (detail: string, index: number) => new KvError(KvErrorCode.RaftInternal, 'Raft Internal Error', detail, index);
const requestTimedOut = (index: number) => raftError('etcdserver: request timed out', index);

/**
 * Runs one member: feeds ticks, peer messages and proposals to the Raft core, persists each
 * Ready with one fsync before sending its messages, applies committed entries to the state
 * machine, answers proposers and linearizable readers, and takes snapshots.
 */
export class RaftDriver {
  readonly startedAt = new Date();
  private node!: RaftNode;
  private wal?: Wal;
  private snapshots!: SnapshotStore;
  readonly machine: KvStateMachine;
  private ticker?: NodeJS.Timeout;
  private draining = false;
  private drainScheduled = false;
  private stopped = false;
  private applied = 0;
  private snapshotIndex = 0;
  private softState: SoftState = { leader: null, role: 'follower' };
  private leaderSince?: Date;
  private readonly incarnation = randomBytes(4).toString('hex');
  private sequence = 0;
  private readonly proposals = new Map<string, PendingProposal>();
  /** Proposals refused for want of a leader, retried as soon as there is one. */
  private awaitingLeader: { data: string; requestId: string; deadline: number }[] = [];
  private readQueue: PendingRead[] = [];
  private readonly readBatches = new Map<string, PendingRead[]>();
  /** Reads whose read index is known, waiting for the applied index to reach it. */
  private readsAwaitingApply: { index: number; reads: PendingRead[] }[] = [];
  private readonly confChanges = new Map<string, () => void>();
  private lastSyncProposal = 0;
  private savedHardState: HardState = { term: 0, vote: null, commit: 0 };
  /** Peer URLs a joining member learnt before the log told it the members. */
  private seedPeers = new Map<NodeId, string>();
  private snapshotWrite?: Promise<void>;
  /** Where the in-memory log may be cut once the snapshot covering it is durable. */
  private pendingCompaction?: number;
  private unsavedHardState?: HardState;
  private published = false;
  private fatal?: Error;

  constructor(
    private readonly config: RaftKvConfig,
    readonly identity: MemberIdentity,
    private readonly dataDir: string,
    readonly transport: PeerTransport,
    private readonly log: Logger,
  ) {
    const initial = new Membership();
    for (const member of identity.initialMembers) initial.add(member.id, member.peerURLs, { name: member.name });
    this.machine = new KvStateMachine({ historySize: config.historySize, maxWatchers: config.maxWatchers }, initial);
  }

  async start(): Promise<void> {
    const walDir = path.join(this.dataDir, 'wal');
    const snapDir = path.join(this.dataDir, 'snap');
    await mkdir(snapDir, { recursive: true });
    this.snapshots = new SnapshotStore(snapDir, this.log);
    let restored: RestoredState;
    let snapshot: Snapshot | undefined;
    const fresh = !(await Wal.exists(walDir));
    if (!fresh) {
      const opened = await Wal.open(walDir, { log: this.log });
      this.wal = opened.wal;
      const metadata = JSON.parse(opened.contents.metadata) as WalMetadata;
      if (this.identity.joinVia) this.adoptIdentity(metadata);
      else if (this.identity.discoverFounders) this.adoptFounders(metadata, walDir);
      else this.checkDataDirBelongsHere(opened.contents.metadata, walDir);
      snapshot = await this.snapshots.loadNewest();
      const marker = opened.contents.snapshot;
      if (marker && (snapshot?.meta.index ?? 0) < marker.index) {
        // The log before the marker is gone: replaying from an older snapshot would skip entries.
        throw new Error(
          `the newest snapshot in ${snapDir} is at index ${snapshot?.meta.index ?? 0} but the log continues from snapshot ${marker.index} ` +
            '(a damaged snapshot file was set aside); this member cannot rebuild its state. Remove it from the cluster ' +
            '(flotilla member remove), clear its data dir and add it again, so that it receives a snapshot from the leader.',
        );
      }
      if (snapshot) {
        this.machine.restore(snapshot.data);
        this.applied = this.snapshotIndex = snapshot.meta.index;
      }
      const { hardState, entries } = opened.contents;
      this.savedHardState = hardState;
      const from = snapshot?.meta.index ?? 0;
      const after = entries.filter((entry) => entry.index > from);
      restored = { hardState, entries: after, ...(snapshot ? { snapshot } : {}) };
      if (!snapshot && this.identity.initialMembers.length > 0) {
        restored.initialConf = { voters: this.identity.initialMembers.map((m) => m.id), learners: [] };
      }
      this.log.info({ entries: entries.length, snapshotIndex: this.snapshotIndex, term: hardState.term }, 'restored from disk');
    } else {
      if (this.identity.joinVia) await this.join(this.identity.joinVia);
      else if (this.identity.discoverFounders) this.foundBy(await this.identity.discoverFounders());
      const metadata: WalMetadata = { memberId: this.identity.memberId, clusterId: this.identity.clusterId };
      if (this.identity.discoverFounders) metadata.founders = this.identity.initialMembers;
      this.wal = await Wal.create(walDir, JSON.stringify(metadata), { log: this.log });
      restored = {
        hardState: { term: 0, vote: null, commit: 0 },
        entries: [],
        ...(this.identity.initialMembers.length > 0
          ? { initialConf: { voters: this.identity.initialMembers.map((m) => m.id), learners: [] } }
          : {}),
      };
    }
    this.node = new RaftNode(
      {
        id: this.identity.memberId,
        electionTick: this.config.electionTicks,
        heartbeatTick: this.config.heartbeatTicks,
        preVote: this.config.preVote,
        checkQuorum: this.config.checkQuorum,
        maxInflight: this.config.maxInflight,
        maxEntriesPerMessage: this.config.maxEntriesPerMessage,
        applied: this.applied,
      },
      restored,
      Math.random,
    );
    // As etcd's initial-election-tick-advance: founders starting together need not sit out a whole
    // election timeout first; the randomized remainder still spreads their first campaigns.
    if (fresh && this.identity.initialMembers.length > 1) for (let i = 1; i < this.config.electionTicks; i++) this.node.tick();
    this.updatePeers();
    await this.transport.listen({
      receive: (messages) => {
        if (this.stopped) return;
        for (const message of messages) this.step(message);
        this.scheduleDrain();
      },
      unreachable: (peer) => this.node.reportUnreachable(peer),
      snapshotSent: (peer, ok) => this.node.reportSnapshot(peer, ok),
      clusterInfo: () => ({
        clusterId: this.identity.clusterId,
        members: this.machine.members.list().map((member) => ({ id: member.id, peerURLs: member.peerURLs })),
      }),
    });
    this.ticker = setInterval(() => this.onTick(), this.config.tick);
    if (this.identity.initialMembers.length === 1 && this.identity.initialMembers[0]!.id === this.identity.memberId) {
      this.node.campaign();
    }
    this.scheduleDrain();
  }

  /**
   * Asks running members who this member is: the cluster added it (`member add`) under an id
   * derived from its peer URL, which only the cluster knows.
   */
  private async join(peers: readonly string[]): Promise<void> {
    const deadline = Date.now() + this.config.requestTimeout * 6;
    let lastError = 'no member answered';
    while (Date.now() < deadline) {
      for (const url of peers) {
        try {
          const info = await this.transport.fetchClusterInfo(url);
          const self = info.members.find((member) => member.peerURLs.some((peer) => this.identity.peerURLs.includes(peer)));
          if (!self) throw new Error(`the cluster has no member with peer URL ${this.identity.peerURLs.join(', ')}; add it first (flotilla member add)`);
          this.adoptIdentity({ memberId: self.id, clusterId: info.clusterId });
          this.seedPeers = new Map(info.members.map((member) => [member.id, member.peerURLs[0]!]));
          this.log.info({ member: self.id, cluster: info.clusterId, via: url }, 'joining a running cluster');
          return;
        } catch (error) {
          lastError = (error as Error).message;
          if (lastError.includes('add it first')) throw error;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`cannot join the cluster through ${peers.join(', ')}: ${lastError}`);
  }

  /** The founders a discovery URL named: they make the cluster's first configuration and its id. */
  private foundBy(founders: Member[]): void {
    if (!founders.some((member) => member.id === this.identity.memberId)) {
      throw new Error(`discovery named founders ${founders.map((m) => m.name).join(', ')} without this member (${this.identity.memberId})`);
    }
    this.identity.initialMembers = founders;
    for (const member of founders) if (!this.machine.members.get(member.id)) this.machine.members.add(member.id, member.peerURLs, { name: member.name });
    this.adoptIdentity({ memberId: this.identity.memberId, clusterId: clusterIdFor(founders.map((member) => member.id)) });
    this.log.info({ founders: founders.map((m) => m.name), cluster: this.identity.clusterId }, 'founding members found through discovery');
  }

  /** A restart of a member founded through discovery: the founders come from its own log, not from the discovery URL again. */
  private adoptFounders(metadata: WalMetadata, walDir: string): void {
    if (metadata.memberId !== this.identity.memberId || !metadata.founders) {
      throw new Error(
        `${walDir} holds the log of member ${metadata.memberId} of cluster ${metadata.clusterId}, which this configuration (its discovery URL ` +
          `and peer URL give member ${this.identity.memberId}) did not found; give the node its own data dir`,
      );
    }
    this.foundBy(metadata.founders);
  }

  private adoptIdentity(ids: { memberId: string; clusterId: string }): void {
    this.identity.memberId = ids.memberId;
    this.identity.clusterId = ids.clusterId;
    this.transport.setIdentity(ids.memberId, ids.clusterId);
  }

  /**
   * Raft tolerates a lost message, so a message the core cannot take is dropped and logged with
   * what identifies it, rather than taking the member down with it.
   */
  private step(message: Message): void {
    try {
      this.node.step(message);
    } catch (error) {
      const { entries, snapshot, ...header } = message;
      this.log.error(
        { err: error, message: { ...header, entries: entries?.length ?? 0, snapshotIndex: snapshot?.meta.index }, raft: this.node.status() },
        'dropped a Raft message the core refused',
      );
    }
  }

  /** A data dir holds one member's log: starting another member on it would corrupt the cluster. */
  private checkDataDirBelongsHere(metadata: string, walDir: string): void {
    const recorded = JSON.parse(metadata) as { memberId?: string; clusterId?: string };
    if (recorded.memberId === this.identity.memberId && recorded.clusterId === this.identity.clusterId) return;
    throw new Error(
      `${walDir} holds the log of member ${recorded.memberId} of cluster ${recorded.clusterId}, but this configuration makes member ` +
        `${this.identity.memberId} of cluster ${this.identity.clusterId}; a changed peer URL, clusterToken or initialCluster does that. ` +
        'Restore the old settings, or start this member with an empty data dir.',
    );
  }

  /** Hands leadership to the most up-to-date voter first when this member leads. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (!this.node) {
      this.stopped = true;
      await this.transport.close();
      await this.wal?.close();
      return;
    }
    await this.transferLeadershipAway().catch((error: unknown) => this.log.warn({ err: error }, 'leader transfer failed'));
    this.stopped = true;
    clearInterval(this.ticker);
    while (this.draining) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.snapshotWrite;
    const stopping = raftError('member is stopping', this.machine.store.index);
    for (const [, proposal] of this.proposals) {
      clearTimeout(proposal.timer);
      proposal.reject(stopping);
    }
    this.proposals.clear();
    if (this.unsavedHardState) await this.wal?.save(this.unsavedHardState, []).catch(() => undefined);
    for (const read of [...this.readQueue, ...[...this.readBatches.values()].flat(), ...this.readsAwaitingApply.flatMap((w) => w.reads)]) read.reject(stopping);
    this.readQueue = [];
    this.readBatches.clear();
    this.readsAwaitingApply = [];
    await this.transport.close();
    await this.wal?.close();
  }

  get transportCounters(): { appendsSent: number; appendsReceived: number } {
    return this.transport.counters;
  }

  peerStats(): Map<NodeId, PeerStats> {
    return this.transport.peerStats();
  }

  status(): DriverStatus {
    const raft = this.node.status();
    return {
      memberId: this.identity.memberId,
      term: raft.term,
      commit: raft.commit,
      applied: this.applied,
      leader: raft.leader,
      role: raft.role,
      startedAt: this.startedAt,
      ...(this.leaderSince ? { leaderSince: this.leaderSince } : {}),
    };
  }

  /** Replicates a command; resolves with its outcome once this member has applied it. */
  propose(command: ClusterCommand): Promise<ApplyOutcome | undefined> {
    if (this.stopped || this.fatal) return Promise.reject(raftError('member is stopping', this.machine.store.index));
    const requestId = `${this.identity.memberId}.${this.incarnation}.${(this.sequence++).toString(36)}`;
    const data = encodeLogCommand({ r: requestId, c: command });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proposals.delete(requestId);
        reject(requestTimedOut(this.machine.store.index));
      }, this.config.requestTimeout);
      this.proposals.set(requestId, { resolve, reject, timer });
      this.submit(data, requestId, Date.now() + this.config.requestTimeout);
    });
  }

  /** Runs `read` against state at least as new as every write completed before the call. */
  linearizableRead<T>(read: () => T): Promise<T> {
    if (this.stopped) return Promise.reject(raftError('member is stopping', this.machine.store.index));
    return new Promise<T>((resolve, reject) => {
      this.readQueue.push({
        run: () => {
          try {
            resolve(read());
          } catch (error) {
            reject(error as Error);
          }
        },
        reject,
        deadline: Date.now() + this.config.requestTimeout,
      });
      if (this.readBatches.size === 0) this.startReadBatch();
    });
  }

  /** Proposes a membership change; resolves once this member has applied it. */
  changeMembership(change: ConfChange): Promise<void> {
    const key = `${change.type}:${change.node}`;
    if (this.confChanges.has(key)) return Promise.reject(new Error(`a ${change.type} of ${change.node} is already in progress`));
    const result = this.node.proposeConfChange(change);
    if (!result.accepted) {
      const reason = result.reason === 'confChangePending' ? 'another membership change is in progress' : result.reason === 'noLeader' ? 'the cluster has no leader' : result.reason;
      return Promise.reject(new Error(`membership change refused: ${reason}`));
    }
    this.scheduleDrain();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.confChanges.delete(key);
        reject(new Error('membership change timed out'));
      }, this.config.requestTimeout);
      this.confChanges.set(key, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private submit(data: string, requestId: string, deadline: number): void {
    const result = this.node.propose(data);
    if (!result.accepted) {
      if (result.reason === 'noLeader' || result.reason === 'transferring') {
        this.awaitingLeader.push({ data, requestId, deadline });
      } else {
        this.failProposal(requestId, raftError(`proposal refused: ${result.reason}`, this.machine.store.index));
      }
      return;
    }
    this.scheduleDrain();
  }

  private failProposal(requestId: string, error: Error): void {
    const pending = this.proposals.get(requestId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.proposals.delete(requestId);
    pending.reject(error);
  }

  private onTick(): void {
    if (this.stopped) return;
    this.node.tick();
    const now = Date.now();
    if (this.awaitingLeader.length > 0 && this.softState.leader !== null) {
      const waiting = this.awaitingLeader;
      this.awaitingLeader = [];
      for (const proposal of waiting) if (proposal.deadline > now && this.proposals.has(proposal.requestId)) this.submit(proposal.data, proposal.requestId, proposal.deadline);
    }
    if (this.readBatches.size > 0 && this.softState.leader !== null) {
      for (const context of this.readBatches.keys()) this.node.readIndex(context);
    } else if (this.readQueue.length > 0 && this.readBatches.size === 0) {
      this.startReadBatch();
    }
    this.expireReads(now);
    if (this.softState.role === 'leader') this.maybeProposeSync(now);
    if (!this.published && this.softState.leader !== null) this.publishAttributes();
    this.scheduleDrain();
  }

  private startReadBatch(): void {
    if (this.readQueue.length === 0) return;
    const context = `${this.identity.memberId}.${this.incarnation}.r${(this.sequence++).toString(36)}`;
    this.readBatches.set(context, this.readQueue);
    this.readQueue = [];
    this.node.readIndex(context);
    this.scheduleDrain();
  }

  private expireReads(now: number): void {
    const expired = (read: PendingRead) => {
      if (read.deadline > now) return false;
      read.reject(requestTimedOut(this.machine.store.index));
      return true;
    };
    this.readQueue = this.readQueue.filter((read) => !expired(read));
    for (const [context, reads] of this.readBatches) {
      const left = reads.filter((read) => !expired(read));
      if (left.length === 0) this.readBatches.delete(context);
      else this.readBatches.set(context, left);
    }
    // A member that cannot catch up to a read index must still answer within the timeout.
    this.readsAwaitingApply = this.readsAwaitingApply
      .map((wait) => ({ index: wait.index, reads: wait.reads.filter((read) => !expired(read)) }))
      .filter((wait) => wait.reads.length > 0);
  }

  private maybeProposeSync(now: number): void {
    if (now - this.lastSyncProposal < SYNC_INTERVAL_MS) return;
    const next = this.machine.store.nextExpiry();
    if (next === undefined || next > now) return;
    this.lastSyncProposal = now;
    this.node.propose(encodeLogCommand({ c: { op: 'sync', time: now } }));
  }

  private publishAttributes(): void {
    const clientURLs = this.identity.clientURLs();
    if (clientURLs.length === 0) return;
    const self = this.machine.members.get(this.identity.memberId);
    this.published = true;
    if (self && self.name === this.identity.name && sameUrls(self.clientURLs, clientURLs)) return;
    this.propose({ op: 'publish', member: this.identity.memberId, name: this.identity.name, clientURLs }).catch(() => {
      this.published = false;
    });
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.stopped) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining || this.fatal) return;
    this.draining = true;
    try {
      while (this.node.hasReady()) await this.handleReady(this.node.ready());
    } catch (error) {
      this.fatal = error as Error;
      this.log.fatal({ err: error }, 'raft storage failed; this member stops taking part');
      setImmediate(() => {
        throw error;
      });
    } finally {
      this.draining = false;
    }
    if (!this.stopped && !this.fatal && this.node.hasReady()) this.scheduleDrain();
  }

  private async handleReady(ready: Ready): Promise<void> {
    // A leader's appends and heartbeats may leave before its own write is durable (Raft thesis
    // 10.2.1): its own copy counts toward the commit only once persisted, which the core tracks.
    // Everything else (votes, acks) depends on persisted state and waits for the fsync.
    const leading = (ready.softState ?? this.softState).role === 'leader';
    const early: Message[] = [];
    const late: Message[] = [];
    for (const message of ready.messages) (leading && (message.type === 'app' || message.type === 'heartbeat') ? early : late).push(message);
    if (early.length > 0) this.transport.send(early);
    if (ready.snapshot) {
      await this.snapshots.save(ready.snapshot);
      await this.wal!.saveSnapshotMarker(ready.snapshot.meta);
    }
    await this.persist(ready);
    this.transport.send(late);
    if (ready.snapshot && ready.snapshot.meta.index > this.applied) {
      this.machine.restore(ready.snapshot.data);
      this.applied = this.snapshotIndex = ready.snapshot.meta.index;
      this.updatePeers();
      this.log.info({ index: this.applied }, 'restored a snapshot from the leader');
    }
    for (const entry of ready.committedEntries) this.apply(entry);
    if (ready.softState) this.onSoftState(ready.softState);
    for (const state of ready.readStates) {
      const reads = this.readBatches.get(state.context);
      if (!reads) continue;
      this.readBatches.delete(state.context);
      this.readsAwaitingApply.push({ index: state.index, reads });
    }
    this.node.advance(ready);
    if (this.pendingCompaction !== undefined) {
      this.node.compact(this.pendingCompaction);
      this.pendingCompaction = undefined;
    }
    this.serveReadsUpTo(this.applied);
    if (this.readQueue.length > 0 && this.readBatches.size === 0) this.startReadBatch();
    this.maybeSnapshot();
  }

  /**
   * Writes entries and hard state with one durable write. A hard state whose term and vote are
   * unchanged (only the commit index moved) is not worth a sync of its own: it rides along with
   * the next write, since a commit index is always learnt again from the leader.
   */
  private async persist(ready: Ready): Promise<void> {
    if (ready.hardState) this.unsavedHardState = ready.hardState;
    const hardState = this.unsavedHardState;
    const mustSync =
      ready.entries.length > 0 ||
      (hardState !== undefined && (hardState.term !== this.savedHardState.term || hardState.vote !== this.savedHardState.vote));
    if (!mustSync) return;
    await this.wal!.save(hardState, ready.entries);
    if (hardState) this.savedHardState = hardState;
    this.unsavedHardState = undefined;
  }

  private apply(entry: Entry): void {
    if (entry.index <= this.applied) return;
    this.applied = entry.index;
    if (entry.type === 'conf') {
      const change = JSON.parse(entry.data) as ConfChange;
      this.node.applyConfChange(change);
      this.machine.applyConfChange(change);
      this.updatePeers();
      this.log.info({ change: change.type, member: change.node }, 'membership changed');
      const key = `${change.type}:${change.node}`;
      this.confChanges.get(key)?.();
      this.confChanges.delete(key);
      return;
    }
    if (entry.data === '') return;
    const command = decodeLogCommand(entry.data);
    const outcome = this.machine.applyCommand(command);
    if (command.c.op === 'updatePeerUrls') this.updatePeers();
    if (command.r === undefined) return;
    const pending = this.proposals.get(command.r);
    if (!pending) return;
    this.proposals.delete(command.r);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }

  private serveReadsUpTo(applied: number): void {
    if (this.readsAwaitingApply.length === 0) return;
    const ready = this.readsAwaitingApply.filter((wait) => wait.index <= applied);
    if (ready.length === 0) return;
    this.readsAwaitingApply = this.readsAwaitingApply.filter((wait) => wait.index > applied);
    for (const wait of ready) for (const read of wait.reads) read.run();
  }

  private onSoftState(state: SoftState): void {
    if (state.leader !== this.softState.leader) {
      this.log.info({ leader: state.leader, role: state.role, term: this.node.status().term }, state.leader ? 'leader elected' : 'no leader');
      if (state.role === 'leader') this.leaderSince = new Date();
    }
    this.softState = state;
  }

  /**
   * Takes a snapshot every snapshotCount applied entries. Only the serialization holds up the
   * Raft loop; writing the file, the WAL marker and releasing old segments run beside it, and the
   * in-memory log is compacted once all that is durable.
   */
  private maybeSnapshot(): void {
    if (this.snapshotWrite || this.applied - this.snapshotIndex < this.config.snapshotCount) return;
    const snapshot = this.node.createSnapshot(this.applied, this.machine.snapshot());
    this.snapshotIndex = snapshot.meta.index;
    const compactTo = snapshot.meta.index - this.config.catchUpEntries;
    this.snapshotWrite = (async () => {
      await this.snapshots.save(snapshot);
      await this.wal!.saveSnapshotMarker(snapshot.meta);
      if (compactTo > 0) {
        this.pendingCompaction = compactTo;
        await this.wal!.releaseTo(compactTo);
      }
      await this.snapshots.purge();
      this.log.debug({ index: snapshot.meta.index }, 'snapshot taken');
    })()
      .catch((error: unknown) => this.log.error({ err: error, index: snapshot.meta.index }, 'writing a snapshot failed; the WAL still holds the log'))
      .finally(() => {
        this.snapshotWrite = undefined;
        this.scheduleDrain();
      });
  }

  private updatePeers(): void {
    const urls = new Map<NodeId, string>(this.seedPeers);
    for (const member of [...this.identity.initialMembers, ...this.machine.members.list()]) {
      if (member.peerURLs[0] && !this.machine.members.isRemoved(member.id)) urls.set(member.id, member.peerURLs[0]);
    }
    this.transport.setPeers(urls);
  }

  private async transferLeadershipAway(): Promise<void> {
    const status = this.node.status();
    if (status.role !== 'leader' || !status.progress) return;
    const candidates = status.conf.voters.filter((id) => id !== status.id);
    if (candidates.length === 0) return;
    const target = candidates.reduce((best, id) => ((status.progress![id]?.match ?? 0) > (status.progress![best]?.match ?? 0) ? id : best));
    this.log.info({ to: target }, 'handing leadership over before stopping');
    this.node.transferLeadership(target);
    this.scheduleDrain();
    const deadline = Date.now() + this.config.tick * this.config.electionTicks * 2;
    while (Date.now() < deadline && this.node.status().role === 'leader') await new Promise((resolve) => setTimeout(resolve, this.config.tick / 2));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sameUrls(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((url, i) => url === b[i]);
}
