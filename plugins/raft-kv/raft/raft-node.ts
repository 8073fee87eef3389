import { ConfHistory, Membership, decodeConfChange, encodeConfChange } from './membership.js';
import { Progress } from './progress.js';
import { committedIndex, hasQuorum, voteResult } from './quorum.js';
import { RaftLog } from './raft-log.js';
import { ReadOnly } from './read-only.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  NodeId,
  RaftConfig,
  RaftStatus,
  ReadState,
  Ready,
  RestoredState,
  Role,
  Snapshot,
  SoftState,
} from './types.js';

export type ProposeRejection = 'noLeader' | 'transferring' | 'notVoter';
export type ProposeResult = { accepted: true } | { accepted: false; reason: ProposeRejection };
export type ConfChangeResult = { accepted: true } | { accepted: false; reason: ProposeRejection | 'confChangePending' };

/** The context of the vote requests of a leader transfer: members honour them even under a live leader. */
export const TRANSFER_CONTEXT = 'transfer';

/** A follower in the snapshot state falls back to probing after this many election timeouts without an answer. */
const SNAPSHOT_TIMEOUT_ELECTIONS = 3;

const ACCEPTED = { accepted: true } as const;

type OutgoingMessage = Omit<Message, 'from'>;

/**
 * One member's Raft state machine. Deterministic: time moves only through tick(), randomness
 * comes from the injected rng, and all output leaves through ready().
 */
export class RaftNode {
  readonly id: NodeId;
  private readonly config: RaftConfig;
  private readonly rng: () => number;
  private readonly log: RaftLog;

  private term: number;
  private vote: NodeId | null;
  private role: Role = 'follower';
  private leader: NodeId | null = null;

  private members: Membership;
  private confHistory: ConfHistory;
  /** Members whose removal this node applied; their messages are ignored. */
  private readonly removed = new Set<NodeId>();
  private progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private leadTransferee: NodeId | null = null;
  /** Index of the latest conf entry the leader appended; another waits until it is applied. */
  private pendingConfIndex = 0;

  private readonly readOnly = new ReadOnly();
  /** Read requests that arrived before the leader committed an entry of its term. */
  private pendingReads: { context: string; from: NodeId }[] = [];

  private applied: number;
  /** Last index handed to the driver in committedEntries. */
  private applying: number;
  /** Indexes of handed-out conf entries whose applyConfChange has not come yet, in log order. */
  private confToApply: number[] = [];
  private snapshot: Snapshot | null = null;
  private snapshotIndex: number;
  private unstableSnapshot: Snapshot | null = null;

  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  /** Proposals to forward to the leader, sent as one message in the next Ready. */
  private forwarded: Entry[] = [];
  /** Leader: append to every follower when the next Ready is built (batches proposals and commit news). */
  private appendDue = false;
  private readHeartbeatDue = false;
  private lastHardState: HardState;
  private lastSoftState: SoftState = { leader: null, role: 'follower' };

  constructor(config: RaftConfig, restored: RestoredState, rng: () => number) {
    if (config.heartbeatTick < 1 || config.electionTick <= config.heartbeatTick) {
      throw new Error(`electionTick (${config.electionTick}) must exceed heartbeatTick (${config.heartbeatTick}) >= 1`);
    }
    if (config.maxInflight < 1 || config.maxEntriesPerMessage < 1) throw new Error('maxInflight and maxEntriesPerMessage must be at least 1');
    this.id = config.id;
    this.config = config;
    this.rng = rng;

    const meta = restored.snapshot?.meta;
    this.snapshot = restored.snapshot ?? null;
    const base = meta?.index ?? 0;
    this.snapshotIndex = base;
    this.log = new RaftLog(base, meta?.term ?? 0, restored.entries, restored.hardState.commit);
    this.members = new Membership(meta?.conf ?? restored.initialConf ?? { voters: [], learners: [] });
    this.confHistory = new ConfHistory(base, this.members.toConfState());
    this.term = restored.hardState.term;
    this.vote = restored.hardState.vote;
    this.lastHardState = { ...restored.hardState };

    this.applied = Math.min(Math.max(config.applied ?? base, base), this.log.lastIndex());
    this.log.commitTo(this.applied);
    this.applying = this.applied;
    for (let index = base + 1; index <= this.applied; index++) {
      const entry = this.log.entry(index)!;
      if (entry.type === 'conf') this.recordConfChange(decodeConfChange(entry.data), index);
    }
    this.becomeFollower(this.term, null);
  }

  // ---- inputs -------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  campaign(): void {
    this.hup(false);
  }

  propose(data: string): ProposeResult {
    return this.proposeEntry('normal', data);
  }

  proposeConfChange(change: ConfChange): ConfChangeResult {
    if (this.role === 'leader' && this.leadTransferee === null && this.pendingConfIndex > this.applied) {
      return { accepted: false, reason: 'confChangePending' };
    }
    return this.proposeEntry('conf', encodeConfChange(change));
  }

  readIndex(context: string): boolean {
    if (this.role === 'leader') {
      this.handleReadRequest(context, this.id);
      return true;
    }
    if (this.leader === null) return false;
    this.send({ type: 'readIndex', to: this.leader, term: this.term, context });
    return true;
  }

  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader') return;
    if (to === this.id) {
      this.leadTransferee = null;
      return;
    }
    if (!this.members.isVoter(to) || this.leadTransferee === to) return;
    this.leadTransferee = to;
    this.electionElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to, true);
  }

  step(m: Message): void {
    if (m.to !== this.id || m.from === this.id || this.removed.has(m.from)) return;
    if (m.type === 'prop') {
      if (this.role === 'leader') this.appendProposals(m.entries ?? []);
      return;
    }
    if (m.type === 'readIndex') {
      if (this.role === 'leader' && m.context !== undefined) this.handleReadRequest(m.context, m.from);
      return;
    }

    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const inLease = this.config.checkQuorum && this.leader !== null && this.electionElapsed < this.config.electionTick;
        if (inLease && m.context !== TRANSFER_CONTEXT) return;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) {
        // A pre-vote is a question about a future term, not a move to it.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, null);
      }
    } else if (m.term < this.term) {
      if ((this.config.checkQuorum || this.config.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // A deposed leader (or one cut off while others moved on) learns the newer term from this.
        this.send({ type: 'appResp', to: m.from, term: this.term, index: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', to: m.from, term: this.term, reject: true });
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  applyConfChange(change: ConfChange): ConfState {
    const index = this.confToApply.shift() ?? this.applying;
    this.recordConfChange(change, index);
    if (this.role === 'leader') this.syncProgressAfterConfChange(change);
    const conf = this.members.toConfState();
    return { voters: [...conf.voters], learners: [...conf.learners] };
  }

  /**
   * Records the state machine's snapshot at applied index `index` for followers that need it.
   */
  createSnapshot(index: number, data: Uint8Array): Snapshot {
    if (index > this.applying) throw new Error(`snapshot index ${index} is beyond the applied index ${this.applying}`);
    if (index < this.snapshotIndex) throw new Error(`snapshot index ${index} is older than the latest snapshot at ${this.snapshotIndex}`);
    const term = this.log.term(index);
    if (term === undefined) throw new Error(`snapshot index ${index} is compacted away`);
    const conf = this.confHistory.at(index);
    this.snapshot = { meta: { index, term, conf: { voters: [...conf.voters], learners: [...conf.learners] } }, data };
    this.snapshotIndex = index;
    this.confHistory.trim(index);
    return this.snapshot;
  }

  compact(index: number): void {
    if (index > this.snapshotIndex) throw new Error(`cannot compact to ${index} beyond the latest snapshot at ${this.snapshotIndex}`);
    this.log.compact(index);
  }

  reportSnapshot(to: NodeId, ok: boolean): void {
    const pr = this.role === 'leader' ? this.progress.get(to) : undefined;
    if (!pr || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the follower's answer (or the next heartbeat) before the next append.
    pr.probeSent = true;
  }

  reportUnreachable(to: NodeId): void {
    const pr = this.role === 'leader' ? this.progress.get(to) : undefined;
    if (pr?.state === 'replicate') pr.becomeProbe();
  }

  // ---- output -------------------------------------------------------------------------------

  hasReady(): boolean {
    if (this.msgs.length > 0 || this.readStates.length > 0 || this.forwarded.length > 0) return true;
    if (this.role === 'leader' && (this.appendDue || this.readHeartbeatDue)) return true;
    if (this.unstableSnapshot !== null || this.log.hasUnstable()) return true;
    if (!sameHardState(this.hardState(), this.lastHardState) || !sameSoftState(this.softState(), this.lastSoftState)) return true;
    return this.applyLimit() > this.applying;
  }

  ready(): Ready {
    this.flush();
    const ready: Ready = { entries: this.log.unstableEntries(), messages: this.msgs, committedEntries: [], readStates: this.readStates };
    this.msgs = [];
    this.readStates = [];
    const soft = this.softState();
    if (!sameSoftState(soft, this.lastSoftState)) ready.softState = this.lastSoftState = soft;
    const hard = this.hardState();
    if (!sameHardState(hard, this.lastHardState)) ready.hardState = this.lastHardState = hard;
    if (this.unstableSnapshot !== null) {
      ready.snapshot = this.unstableSnapshot;
      this.unstableSnapshot = null;
    }
    const limit = this.applyLimit();
    if (limit > this.applying) {
      ready.committedEntries = this.log.slice(this.applying + 1, limit + 1);
      for (const entry of ready.committedEntries) if (entry.type === 'conf') this.confToApply.push(entry.index);
      this.applying = limit;
    }
    return ready;
  }

  advance(ready: Ready): void {
    const lastEntry = ready.entries.at(-1);
    if (lastEntry) this.log.stableTo(lastEntry.index, lastEntry.term);
    const lastApplied = ready.committedEntries.at(-1);
    if (lastApplied) this.applied = Math.max(this.applied, lastApplied.index);
    if (this.role === 'leader') {
      // The leader's own log counts toward the commit quorum only once it is durable.
      const self = this.progress.get(this.id);
      if (self?.maybeUpdate(this.log.persisted) && this.maybeCommit()) this.appendDue = true;
    }
  }

  status(): RaftStatus {
    const status: RaftStatus = {
      id: this.id,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      role: this.role,
      commit: this.log.committed,
      applied: this.applied,
      lastIndex: this.log.lastIndex(),
      conf: this.members.toConfState(),
    };
    if (this.role === 'leader') {
      status.progress = {};
      for (const pr of this.progress.values()) {
        status.progress[pr.id] = { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive };
      }
    }
    if (this.leadTransferee !== null) status.leadTransferee = this.leadTransferee;
    return status;
  }

  // ---- roles --------------------------------------------------------------------------------

  private becomeFollower(term: number, leader: NodeId | null): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.role = 'follower';
    this.leader = leader;
    this.resetRoleState();
  }

  private becomePreCandidate(): void {
    this.role = 'preCandidate';
    this.leader = null;
    this.resetRoleState();
  }

  private becomeCandidate(): void {
    this.term += 1;
    this.vote = this.id;
    this.role = 'candidate';
    this.leader = null;
    this.resetRoleState();
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.leader = this.id;
    this.resetRoleState();
    const next = this.log.lastIndex() + 1;
    for (const id of this.members.members()) this.progress.set(id, this.newProgress(id, next));
    const self = this.progress.get(this.id)!;
    self.maybeUpdate(this.log.persisted);
    self.recentActive = true;
    // Conf entries of earlier terms may still be unapplied; none is proposed until they are.
    this.pendingConfIndex = this.log.lastIndex();
    this.appendEntries([{ type: 'normal', data: '' }]);
  }

  private resetRoleState(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.config.electionTick + Math.floor(this.rng() * this.config.electionTick);
    this.leadTransferee = null;
    this.votes.clear();
    this.progress = new Map();
    this.readOnly.reset();
    this.pendingReads = [];
    this.appendDue = false;
    this.readHeartbeatDue = false;
  }

  private newProgress(id: NodeId, next: number): Progress {
    return new Progress(id, next, this.config.maxInflight, this.members.isLearner(id));
  }

  private promotable(): boolean {
    return this.members.isVoter(this.id);
  }

  // ---- elections ----------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout && this.promotable()) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable() || this.hasUnappliedConfChange()) return;
    if (this.config.preVote && !transfer) this.startPreVote();
    else this.startElection(transfer);
  }

  private hasUnappliedConfChange(): boolean {
    const from = Math.max(this.applied + 1, this.log.firstIndex());
    if (from > this.log.committed) return false;
    return this.log.slice(from, this.log.committed + 1).some((entry) => entry.type === 'conf');
  }

  private startPreVote(): void {
    this.becomePreCandidate();
    this.votes.set(this.id, true);
    if (voteResult(this.members.voters, this.votes) === 'won') {
      this.startElection(false);
      return;
    }
    this.requestVotes('preVote', this.term + 1, false);
  }

  private startElection(transfer: boolean): void {
    this.becomeCandidate();
    this.votes.set(this.id, true);
    if (voteResult(this.members.voters, this.votes) === 'won') {
      this.becomeLeader();
      return;
    }
    this.requestVotes('vote', this.term, transfer);
  }

  private requestVotes(type: 'vote' | 'preVote', term: number, transfer: boolean): void {
    for (const id of this.members.voters) {
      if (id === this.id) continue;
      const m: OutgoingMessage = { type, to: id, term, index: this.log.lastIndex(), logTerm: this.log.lastTerm() };
      if (transfer) m.context = TRANSFER_CONTEXT;
      this.send(m);
    }
  }

  private handleVoteRequest(m: Message): void {
    const pre = m.type === 'preVote';
    const canVote = this.vote === m.from || (this.vote === null && this.leader === null) || (pre && m.term > this.term);
    const type = pre ? 'preVoteResp' : 'voteResp';
    if (canVote && this.log.isUpToDate(m.index ?? 0, m.logTerm ?? 0)) {
      this.send({ type, to: m.from, term: m.term, reject: false });
      if (!pre) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type, to: m.from, term: this.term, reject: true });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        break;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        break;
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        break;
      case 'preVoteResp':
        // A grant names the term asked about; a stale grant from an earlier round must not count.
        if (this.role === 'preCandidate' && m.term === (m.reject ? this.term : this.term + 1)) this.recordVote(m);
        break;
      case 'voteResp':
        if (this.role === 'candidate') this.recordVote(m);
        break;
      default:
        break;
    }
  }

  private recordVote(m: Message): void {
    this.votes.set(m.from, !m.reject);
    const result = voteResult(this.members.voters, this.votes);
    if (result === 'won') {
      if (this.role === 'preCandidate') this.startElection(false);
      else this.becomeLeader();
    } else if (result === 'lost') {
      this.becomeFollower(this.term, null);
    }
  }

  // ---- follower -----------------------------------------------------------------------------

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.heardFromLeader(m.from);
        this.handleAppend(m);
        break;
      case 'heartbeat':
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        break;
      case 'snap':
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        break;
      case 'timeoutNow':
        this.hup(true);
        break;
      case 'readIndexResp':
        if (m.context !== undefined && m.index !== undefined) this.readStates.push({ index: m.index, context: m.context });
        break;
      default:
        break;
    }
  }

  private heardFromLeader(leader: NodeId): void {
    this.electionElapsed = 0;
    this.leader = leader;
  }

  private handleAppend(m: Message): void {
    let prevIndex = m.index ?? 0;
    let prevTerm = m.logTerm ?? 0;
    let entries = m.entries ?? [];
    const committed = this.log.committed;
    if (prevIndex < committed) {
      // Everything up to our commit index is settled; only what follows it can be news.
      const skip = Math.min(committed - prevIndex, entries.length);
      if (prevIndex + skip < committed) {
        this.send({ type: 'appResp', to: m.from, term: this.term, index: committed });
        return;
      }
      if (skip > 0) {
        prevTerm = entries[skip - 1]!.term;
        prevIndex += skip;
        entries = entries.slice(skip);
      }
    }
    const lastNew = this.log.maybeAppend(prevIndex, prevTerm, m.commit ?? 0, entries);
    if (lastNew !== undefined) {
      this.send({ type: 'appResp', to: m.from, term: this.term, index: lastNew });
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(prevIndex, this.log.lastIndex()), prevTerm);
    this.send({ type: 'appResp', to: m.from, term: this.term, index: prevIndex, reject: true, rejectHint: hint.index, rejectTerm: hint.term });
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(m.commit ?? 0);
    const reply: OutgoingMessage = { type: 'heartbeatResp', to: m.from, term: this.term };
    if (m.context !== undefined) reply.context = m.context;
    this.send(reply);
  }

  private handleSnapshot(m: Message): void {
    const snapshot = m.snapshot;
    if (!snapshot) return;
    const { index, term } = snapshot.meta;
    if (index > this.log.committed) {
      if (this.log.matchTerm(index, term)) this.log.commitTo(index);
      else this.restore(snapshot);
    }
    this.send({ type: 'appResp', to: m.from, term: this.term, index: this.log.committed });
  }

  private restore(snapshot: Snapshot): void {
    const { index, term, conf } = snapshot.meta;
    this.log.restore(index, term);
    this.members = new Membership(conf);
    this.confHistory = new ConfHistory(index, this.members.toConfState());
    this.snapshot = snapshot;
    this.snapshotIndex = index;
    this.unstableSnapshot = snapshot;
    this.applied = index;
    this.applying = index;
    this.confToApply = [];
  }

  // ---- leader -------------------------------------------------------------------------------

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    this.checkFlowStalls();
    if (this.electionElapsed >= this.config.electionTick) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum) {
        if (!this.quorumActive()) {
          this.becomeFollower(this.term, null);
          return;
        }
        for (const pr of this.progress.values()) if (pr.id !== this.id) pr.recentActive = false;
      }
      this.leadTransferee = null;
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat(this.readOnly.lastContext());
    }
  }

  /**
   * Lost messages can leave a follower waiting forever: a snapshot that never arrived, or a
   * pipeline whose tail was dropped with nothing new to reveal the gap. Both fall back to probing.
   */
  private checkFlowStalls(): void {
    const lastIndex = this.log.lastIndex();
    for (const pr of this.progress.values()) {
      if (pr.id === this.id) continue;
      if (pr.state === 'snapshot') {
        if (++pr.snapshotTicks >= SNAPSHOT_TIMEOUT_ELECTIONS * this.config.electionTick) {
          pr.pendingSnapshot = 0;
          pr.becomeProbe();
        }
      } else if (pr.state === 'replicate') {
        if (pr.match < lastIndex && pr.match === pr.stallMatch) {
          if (++pr.stallTicks >= this.config.electionTick) pr.becomeProbe();
        } else {
          pr.stallMatch = pr.match;
          pr.stallTicks = 0;
        }
      }
    }
  }

  private quorumActive(): boolean {
    const active: NodeId[] = [this.id];
    for (const pr of this.progress.values()) if (pr.id !== this.id && pr.recentActive) active.push(pr.id);
    return hasQuorum(this.members.voters, active);
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'appResp':
        this.handleAppendResponse(m);
        break;
      case 'heartbeatResp':
        this.handleHeartbeatResponse(m);
        break;
      default:
        break;
    }
  }

  private proposeEntry(type: EntryType, data: string): ProposeResult {
    if (this.role === 'leader') {
      if (this.leadTransferee !== null) return { accepted: false, reason: 'transferring' };
      this.appendProposals([{ index: 0, term: 0, type, data }]);
      return ACCEPTED;
    }
    if (!this.promotable()) return { accepted: false, reason: 'notVoter' };
    if (this.leader === null) return { accepted: false, reason: 'noLeader' };
    this.forwarded.push({ index: 0, term: 0, type, data });
    return ACCEPTED;
  }

  /** Leader: appends proposed entries; a conf entry is dropped while another is unapplied. */
  private appendProposals(proposed: readonly Entry[]): void {
    if (this.leadTransferee !== null) return;
    const accepted: { type: EntryType; data: string }[] = [];
    for (const entry of proposed) {
      if (entry.type === 'conf') {
        if (this.pendingConfIndex > this.applied) continue;
        this.pendingConfIndex = this.log.lastIndex() + accepted.length + 1;
      }
      accepted.push({ type: entry.type, data: entry.data });
    }
    if (accepted.length > 0) this.appendEntries(accepted);
  }

  private appendEntries(entries: readonly { type: EntryType; data: string }[]): void {
    let index = this.log.lastIndex();
    this.log.append(entries.map((entry) => ({ index: ++index, term: this.term, type: entry.type, data: entry.data })));
    this.appendDue = true;
  }

  private maybeCommit(): boolean {
    const index = committedIndex(this.members.voters, (id) => this.progress.get(id)?.match ?? 0);
    // Only an entry of the current term commits by counting replicas (Raft's Figure 8).
    if (index <= this.log.committed || this.log.term(index) !== this.term) return false;
    this.log.commitTo(index);
    this.releasePendingReads();
    return true;
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    const index = m.index ?? 0;
    if (m.reject) {
      let hint = m.rejectHint ?? index;
      if ((m.rejectTerm ?? 0) > 0) hint = this.log.findConflictByTerm(hint, m.rejectTerm!).index;
      if (pr.maybeDecrTo(index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    if (!pr.maybeUpdate(index)) return;
    if (pr.state === 'probe') {
      pr.becomeReplicate();
    } else if (pr.state === 'snapshot') {
      if (pr.match + 1 >= this.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
    } else {
      pr.inflights.freeLE(pr.match);
    }
    if (this.maybeCommit()) this.appendDue = true;
    this.sendAppend(m.from, false);
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.match < this.log.lastIndex() || pr.state === 'probe') this.sendAppend(m.from, true);
    if (m.context === undefined) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (acks && hasQuorum(this.members.voters, acks)) this.resolveReads(m.context);
  }

  private handleReadRequest(context: string, from: NodeId): void {
    if (this.log.term(this.log.committed) !== this.term) {
      this.pendingReads.push({ context, from });
      return;
    }
    if (!this.readOnly.add(this.log.committed, context, from)) return;
    const acks = this.readOnly.recvAck(this.id, context)!;
    if (hasQuorum(this.members.voters, acks)) this.resolveReads(context);
    else this.readHeartbeatDue = true;
  }

  private releasePendingReads(): void {
    if (this.pendingReads.length === 0 || this.log.term(this.log.committed) !== this.term) return;
    const reads = this.pendingReads;
    this.pendingReads = [];
    for (const read of reads) this.handleReadRequest(read.context, read.from);
  }

  private resolveReads(context: string): void {
    for (const request of this.readOnly.advance(context)) {
      if (request.from === this.id) this.readStates.push({ index: request.index, context: request.context });
      else this.send({ type: 'readIndexResp', to: request.from, term: this.term, index: request.index, context: request.context });
    }
  }

  private syncProgressAfterConfChange(change: ConfChange): void {
    if (change.type === 'removeNode') {
      this.progress.delete(change.node);
      if (change.node === this.id) {
        this.becomeFollower(this.term, null);
        return;
      }
      if (this.leadTransferee === change.node) this.leadTransferee = null;
    } else {
      let pr = this.progress.get(change.node);
      if (!pr) {
        pr = this.newProgress(change.node, this.log.lastIndex() + 1);
        // A new member has had no chance to answer yet; do not count it as lost.
        pr.recentActive = true;
        this.progress.set(change.node, pr);
      }
      pr.isLearner = this.members.isLearner(change.node);
    }
    this.maybeCommit();
    this.appendDue = true;
  }

  private recordConfChange(change: ConfChange, index: number): void {
    this.members.apply(change);
    if (change.type === 'removeNode') this.removed.add(change.node);
    else this.removed.delete(change.node);
    this.confHistory.record(index, this.members.toConfState());
  }

  // ---- sending ------------------------------------------------------------------------------

  private send(m: OutgoingMessage): void {
    this.msgs.push({ ...m, from: this.id } as Message);
  }

  /** Sends what the follower needs next; in the replicate state keeps going until the window is full. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): void {
    if (!this.maybeSendAppend(to, sendIfEmpty)) return;
    const pr = this.progress.get(to)!;
    while (pr.state === 'replicate' && this.maybeSendAppend(to, false));
  }

  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) return this.sendSnapshot(pr);
    const entries = this.log.slice(pr.next, pr.next + this.config.maxEntriesPerMessage);
    if (entries.length === 0 && !sendIfEmpty) return false;
    const commit = this.log.committed;
    this.send({ type: 'app', to, term: this.term, index: prevIndex, logTerm: prevTerm, entries, commit });
    pr.sentCommit = Math.max(pr.sentCommit, commit);
    pr.sentEntries(prevIndex + entries.length, entries.length);
    return true;
  }

  private sendSnapshot(pr: Progress): boolean {
    if (this.snapshot === null) return false;
    pr.becomeSnapshot(this.snapshot.meta.index);
    this.send({ type: 'snap', to: pr.id, term: this.term, snapshot: this.snapshot });
    return true;
  }

  private bcastHeartbeat(context: string | undefined): void {
    for (const pr of this.progress.values()) {
      if (pr.id === this.id) continue;
      const m: OutgoingMessage = { type: 'heartbeat', to: pr.id, term: this.term, commit: Math.min(pr.match, this.log.committed) };
      if (context !== undefined) m.context = context;
      this.send(m);
    }
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'timeoutNow', to, term: this.term });
  }

  /** Work deferred to Ready time so that it is done once per batch. */
  private flush(): void {
    if (this.forwarded.length > 0) {
      const entries = this.forwarded;
      this.forwarded = [];
      if (this.role === 'leader') this.appendProposals(entries);
      else if (this.leader !== null) this.send({ type: 'prop', to: this.leader, term: this.term, entries });
    }
    if (this.role !== 'leader') return;
    if (this.appendDue) {
      this.appendDue = false;
      const commit = this.log.committed;
      for (const pr of this.progress.values()) if (pr.id !== this.id) this.sendAppend(pr.id, pr.sentCommit < commit);
    }
    if (this.readHeartbeatDue) {
      this.readHeartbeatDue = false;
      this.bcastHeartbeat(this.readOnly.lastContext());
    }
  }

  // ---- state snapshots ----------------------------------------------------------------------

  private applyLimit(): number {
    return Math.min(this.log.committed, this.log.persisted);
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  private softState(): SoftState {
    return { leader: this.leader, role: this.role };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}
