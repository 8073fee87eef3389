/**
 * The etcd v2 data model: one tree of keys and directories, one global index that every
 * mutation advances, TTLs, compare-and-swap and watches from an index.
 */

export interface KvNode {
  key: string;
  value?: string;
  dir?: boolean;
  nodes?: KvNode[];
  createdIndex: number;
  modifiedIndex: number;
  /** Seconds left, rounded up, when the node has a TTL. */
  ttl?: number;
  /** RFC 3339 expiry time, when the node has a TTL. */
  expiration?: string;
}

export type KvAction =
  | 'get'
  | 'set'
  | 'create'
  | 'update'
  | 'delete'
  | 'compareAndSwap'
  | 'compareAndDelete'
  | 'expire';

export interface KvResult {
  action: KvAction;
  node: KvNode;
  prevNode?: KvNode;
  /** The store's index when the result was produced (etcd's X-Etcd-Index). */
  index: number;
}

export interface KvGetOptions {
  recursive?: boolean;
  sorted?: boolean;
  /** Linearizable by default; `serializable` reads the local replica without a quorum round. */
  consistency?: 'linearizable' | 'serializable';
}

export interface KvSetOptions {
  /** Seconds; `null` removes an existing TTL. */
  ttl?: number | null;
  dir?: boolean;
  prevExist?: boolean;
  prevValue?: string;
  prevIndex?: number;
  /** Reset the TTL without changing the value or notifying watchers. */
  refresh?: boolean;
}

export interface KvDeleteOptions {
  dir?: boolean;
  recursive?: boolean;
  prevValue?: string;
  prevIndex?: number;
}

export interface KvWatchOptions {
  recursive?: boolean;
  /** First index to report; absent means the next change. */
  waitIndex?: number;
  signal?: AbortSignal;
}

/** A stream of changes; iteration ends when the watch is closed or its signal aborts. */
export interface KvWatch extends AsyncIterable<KvResult> {
  close(): void;
}

export interface KvStore {
  get(key: string, options?: KvGetOptions): Promise<KvResult>;
  set(key: string, value: string, options?: KvSetOptions): Promise<KvResult>;
  /** Creates an in-order key under `dir` (etcd's POST). */
  createInOrder(dir: string, value: string, options?: Pick<KvSetOptions, 'ttl'>): Promise<KvResult>;
  delete(key: string, options?: KvDeleteOptions): Promise<KvResult>;
  watch(key: string, options?: KvWatchOptions): KvWatch;
}

/** etcd v2 error codes that callers branch on. */
export const KvErrorCode = {
  KeyNotFound: 100,
  TestFailed: 101,
  NotFile: 102,
  NotDir: 104,
  NodeExist: 105,
  RootReadOnly: 107,
  DirNotEmpty: 108,
  PrevValueRequired: 201,
  TtlNaN: 202,
  IndexNaN: 203,
  InvalidField: 209,
  InvalidForm: 210,
  RaftInternal: 300,
  LeaderElect: 301,
  WatcherCleared: 400,
  EventIndexCleared: 401,
} as const;

export class KvError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
    readonly detail: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'KvError';
  }
}
