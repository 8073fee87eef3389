/**
 * The commands the etcd-v2 store applies, as they travel through the Raft log (JSON-encoded).
 * Applying a command is deterministic: every time-dependent value comes from `time`, set once
 * by the member that proposed the command, so every member computes the same result.
 */

export interface SetCommand {
  op: 'set';
  key: string;
  value?: string;
  dir?: boolean;
  /** Seconds; null removes an existing TTL; undefined keeps no TTL on a new node. */
  ttl?: number | null;
  prevExist?: boolean;
  prevValue?: string;
  prevIndex?: number;
  /** Reset the TTL only: no value change, no watch event (etcd's refresh=true). */
  refresh?: boolean;
  /** Proposer's wall clock, ms since the epoch: the base of any expiration. */
  time: number;
}

/** POST: a new child of `dir` named by the store index (an in-order key). */
export interface CreateInOrderCommand {
  op: 'createInOrder';
  dir: string;
  /** The new child is itself a directory (POST with dir=true). */
  directory?: boolean;
  value?: string;
  ttl?: number | null;
  time: number;
}

export interface DeleteCommand {
  op: 'delete';
  key: string;
  dir?: boolean;
  recursive?: boolean;
  prevValue?: string;
  prevIndex?: number;
  time: number;
}

/** The leader's clock tick: expires every node whose expiration is at or before `time`. */
export interface SyncCommand {
  op: 'sync';
  time: number;
}

export type StoreCommand = SetCommand | CreateInOrderCommand | DeleteCommand | SyncCommand;
