/**
 * The Raft core's vocabulary. The core is a deterministic state machine: it takes messages and
 * ticks, and hands back a Ready batch (what to persist, send and apply). It does no I/O.
 */

/** A member id: 16 lower-case hex digits, as etcd prints member ids. Never reused. */
export type NodeId = string;

export type EntryType = 'normal' | 'conf';

export interface Entry {
  index: number;
  term: number;
  type: EntryType;
  /**
   * For 'normal': the state machine command (opaque to Raft; '' for the no-op a new leader
   * appends). For 'conf': a JSON-encoded ConfChange.
   */
  data: string;
}

/** What must be on disk before any message that depends on it is sent. */
export interface HardState {
  term: number;
  vote: NodeId | null;
  commit: number;
}

/** Voting members and learners (non-voting members that receive the log). */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export type ConfChangeType = 'addNode' | 'addLearner' | 'removeNode';

/** One membership change; a learner is promoted by `addNode` on its id. */
export interface ConfChange {
  type: ConfChangeType;
  node: NodeId;
  /** Free-form, e.g. the member's name and peer URLs as JSON; carried to the application. */
  context?: string;
}

export interface SnapshotMeta {
  index: number;
  term: number;
  conf: ConfState;
}

export interface Snapshot {
  meta: SnapshotMeta;
  /** The state machine's serialized state at meta.index. */
  data: Uint8Array;
}

export type MessageType =
  | 'prop' // a follower forwarding proposals to the leader
  | 'preVote'
  | 'preVoteResp'
  | 'vote'
  | 'voteResp'
  | 'app'
  | 'appResp'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'snap'
  | 'timeoutNow' // leader transfer: campaign now, skipping pre-vote
  | 'readIndex' // a follower asking the leader for a read index
  | 'readIndexResp';

export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /** app: term of the entry before `entries`; vote/preVote: candidate's last log term. */
  logTerm?: number;
  /** app: index of the entry before `entries`; vote: last log index; appResp: last index matched or rejected. */
  index?: number;
  entries?: Entry[];
  commit?: number;
  reject?: boolean;
  /** appResp when rejecting: the follower's hint for where to probe next (fast back-off). */
  rejectHint?: number;
  /** appResp when rejecting: term of the follower's entry at rejectHint, for term-skipping back-off. */
  rejectTerm?: number;
  snapshot?: Snapshot;
  /**
   * heartbeat/heartbeatResp/readIndex/readIndexResp: the read request this round confirms.
   * vote/preVote: 'transfer' when a leader transfer started the election (honoured even by
   * members that still hear a live leader).
   */
  context?: string;
}

/** A linearizable read may be served once the applied index reaches `index`. */
export interface ReadState {
  index: number;
  context: string;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface SoftState {
  leader: NodeId | null;
  role: Role;
}

/**
 * One batch of work for the driver, in this order: persist `snapshot`, `entries` and
 * `hardState` (one fsync); then send `messages`; then apply `committedEntries`; then call
 * `advance(ready)`. `committedEntries` only ever holds entries already durable on a quorum
 * (this node's own copy included).
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
  messages: Message[];
  committedEntries: Entry[];
  readStates: ReadState[];
}

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns; randomized in [n, 2n). */
  electionTick: number;
  /** Ticks between a leader's heartbeats. */
  heartbeatTick: number;
  preVote: boolean;
  checkQuorum: boolean;
  /** In-flight append messages per follower in the replicate state. */
  maxInflight: number;
  /** Most entries per append message. */
  maxEntriesPerMessage: number;
  /** Entries are applied no further than this (the driver's applied index on restart). */
  applied?: number;
}

/** What the core starts from: what the WAL and the latest snapshot hold. */
export interface RestoredState {
  hardState: HardState;
  /** The latest durable snapshot; the core sends it to followers too far behind. */
  snapshot?: Snapshot;
  /** Entries after the snapshot, in index order. */
  entries: Entry[];
  /** For a brand-new cluster (no snapshot, no entries): its initial voters. */
  initialConf?: ConfState;
}

export interface RaftStatus {
  id: NodeId;
  term: number;
  vote: NodeId | null;
  leader: NodeId | null;
  role: Role;
  commit: number;
  applied: number;
  lastIndex: number;
  conf: ConfState;
  /** Leader only: each follower's match and next index and flow-control state. */
  progress?: Record<NodeId, { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean }>;
  /** A leader transfer in progress, if any. */
  leadTransferee?: NodeId;
}
