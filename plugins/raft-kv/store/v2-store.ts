import { KvErrorCode, type KvError, type KvAction, type KvNode, type KvResult } from '../../../core/index.js';
import type { CreateInOrderCommand, DeleteCommand, SetCommand, StoreCommand, SyncCommand } from './commands.js';
import { EventHistory } from './event-history.js';
import { expireTimeOf } from './expiry.js';
import { ROOT_PATH, childPath, inOrderName, normalizeKey } from './key-path.js';
import { prevValueRequired, storeError, ttlNotANumber, ttlRequiredOnRefresh, valueOnRefresh } from './store-errors.js';
import { StoreNode, describeForGet, describeNode, describeRemoval } from './store-node.js';
import { decodeSnapshot, encodeSnapshot } from './store-snapshot.js';
import { zeroCounters, type StoreCounters, type StoreStats } from './store-stats.js';
import { StoreTree, type Miss } from './store-tree.js';
import type { Watcher } from './watcher.js';
import { DEFAULT_MAX_WATCHERS, WatcherHub } from './watcher-hub.js';

export { WatcherClosedError, type Watcher, type WatcherEndReason } from './watcher.js';
export type { StoreStats } from './store-stats.js';

export const DEFAULT_HISTORY_SIZE = 100_000;

export interface V2StoreOptions {
  /** Events kept for waitIndex watches; default 100_000 (etcd keeps 1000). */
  historySize: number;
  /** Registered watchers allowed at once; default 10_000. */
  maxWatchers?: number;
}

/**
 * `expired` is set for a sync only: its expire events in order. A sync's `result` is the last of
 * them, or a `get` of the bare root when nothing expired. Results are also kept in the event
 * history and handed to watchers, so they must not be modified.
 */
export type ApplyOutcome = { ok: true; result: KvResult; expired?: KvResult[] } | { ok: false; error: KvError };

export interface GetOptions {
  recursive?: boolean;
  sorted?: boolean;
}

export interface WatchOptions {
  recursive?: boolean;
  waitIndex?: number;
  stream?: boolean;
}

type CounterName = keyof StoreCounters;

function succeeded(result: KvResult): ApplyOutcome {
  return { ok: true, result };
}

function failed(error: KvError): ApplyOutcome {
  return { ok: false, error };
}

/**
 * The etcd v2 store: one tree of directories and files, one index that every successful
 * mutation (expiries included) moves on by one, an event history and watchers.
 * Applying a command is deterministic; every time comes from the command.
 */
export class V2Store {
  private tree = new StoreTree();
  private currentIndex = 0;
  private history: EventHistory;
  private readonly hub: WatcherHub;
  private readonly counters = zeroCounters();

  constructor(options: V2StoreOptions) {
    const historySize = options.historySize > 0 ? Math.floor(options.historySize) : DEFAULT_HISTORY_SIZE;
    this.history = new EventHistory(historySize);
    this.hub = new WatcherHub(options.maxWatchers !== undefined && options.maxWatchers >= 0 ? options.maxWatchers : DEFAULT_MAX_WATCHERS);
  }

  get index(): number {
    return this.currentIndex;
  }

  get stats(): StoreStats {
    return { ...this.counters, watchers: this.hub.count, keys: this.tree.size };
  }

  apply(command: StoreCommand): ApplyOutcome {
    switch (command.op) {
      case 'set':
        return this.applySet(command);
      case 'createInOrder':
        return this.applyCreateInOrder(command);
      case 'delete':
        return this.applyDelete(command);
      case 'sync':
        return this.applySync(command);
      default:
        return failed(storeError(KvErrorCode.RaftInternal, `unknown store command ${JSON.stringify((command as { op?: unknown }).op)}`, this.currentIndex));
    }
  }

  get(key: string, options: GetOptions, nowMs: number): ApplyOutcome {
    const found = this.tree.walk(normalizeKey(key));
    if (!(found instanceof StoreNode)) {
      this.counters.getsFail++;
      return failed(this.error(found));
    }
    this.counters.getsSuccess++;
    const node = describeForGet(found, nowMs, options.recursive === true, options.sorted === true);
    return succeeded({ action: 'get', node, index: this.currentIndex });
  }

  /** Throws a KvError: 401 when `waitIndex` is older than the history kept, 400 when there are too many watchers. */
  watch(key: string, options: WatchOptions): Watcher {
    const waitIndex = options.waitIndex ?? 0;
    const sinceIndex = waitIndex > 0 ? waitIndex : this.currentIndex + 1;
    return this.hub.watch(normalizeKey(key), options.recursive === true, options.stream === true, sinceIndex, this.currentIndex, this.history);
  }

  nextExpiry(): number | undefined {
    return this.tree.nextExpiry();
  }

  snapshot(): Uint8Array {
    return Buffer.concat(this.snapshotChunks());
  }

  /** The snapshot as consecutive pieces, for a caller that frames it without another copy. */
  snapshotChunks(): Buffer[] {
    return encodeSnapshot(this.currentIndex, this.tree.root, this.history, this.counters);
  }

  restore(data: Uint8Array): void {
    const state = decodeSnapshot(data);
    this.hub.endAll();
    this.tree = StoreTree.restored(state.root, state.keys, state.ttlNodes);
    this.currentIndex = state.index;
    this.history = new EventHistory(this.history.capacity);
    for (const entry of state.history) this.history.add(entry.result, entry.refresh);
    Object.assign(this.counters, state.counters);
  }

  // ---- dispatch -------------------------------------------------------------------------

  private applySet(c: SetCommand): ApplyOutcome {
    if (c.prevValue === '') return failed(prevValueRequired());
    if (c.ttl != null && !(c.ttl >= 0)) return failed(ttlNotANumber());
    if (c.refresh) {
      if (c.value !== undefined && c.value !== '') return failed(valueOnRefresh());
      if (c.ttl == null) return failed(ttlRequiredOnRefresh());
    }
    const key = normalizeKey(c.key);
    const value = c.value ?? '';
    const expireTime = expireTimeOf(c.ttl, c.time);
    const refresh = c.refresh === true;
    const compares = (c.prevIndex !== undefined && c.prevIndex > 0) || c.prevValue !== undefined;
    if (c.prevExist === true) {
      return compares
        ? this.compareAndSwap(key, c.prevValue, c.prevIndex, value, expireTime, refresh, c.time)
        : this.update(key, value, expireTime, refresh, c.time);
    }
    if (c.prevExist === false) return this.create(key, c.dir === true, value, false, expireTime, c.time);
    if (compares) return this.compareAndSwap(key, c.prevValue, c.prevIndex, value, expireTime, refresh, c.time);
    return this.set(key, c.dir === true, value, expireTime, refresh, c.time);
  }

  private applyCreateInOrder(c: CreateInOrderCommand): ApplyOutcome {
    if (c.ttl != null && !(c.ttl >= 0)) return failed(ttlNotANumber());
    return this.create(normalizeKey(c.dir), c.directory === true, c.directory ? '' : (c.value ?? ''), true, expireTimeOf(c.ttl, c.time), c.time);
  }

  private applyDelete(c: DeleteCommand): ApplyOutcome {
    if (c.prevValue === '') return failed(prevValueRequired());
    const key = normalizeKey(c.key);
    if ((c.prevIndex !== undefined && c.prevIndex > 0) || c.prevValue !== undefined) {
      return this.compareAndDelete(key, c.prevValue, c.prevIndex, c.time);
    }
    return this.delete(key, c.dir === true, c.recursive === true, c.time);
  }

  // ---- operations -----------------------------------------------------------------------
  //
  // The success/failure counters follow etcd's observable counts, including the cases where
  // etcd counts a rejected request as a success (a root write through update, CAS, delete or
  // compareAndDelete; a value on a directory update; a failed compareAndDelete).

  private set(key: string, dir: boolean, value: string, expireTime: number, refresh: boolean, now: number): ApplyOutcome {
    const existing = this.tree.walk(key);
    if (!(existing instanceof StoreNode)) {
      if (existing.code !== KvErrorCode.KeyNotFound || refresh) return this.fail('setsFail', existing);
    } else if (refresh) {
      value = existing.value;
    }
    const parent = existing instanceof StoreNode ? existing.parent ?? undefined : undefined;
    const outcome = this.createNode(key, dir, value, false, true, expireTime, 'set', now, parent);
    if (!outcome.ok) {
      this.counters.setsFail++;
      return outcome;
    }
    this.counters.setsSuccess++;
    this.record(outcome.result, refresh);
    return outcome;
  }

  private create(key: string, dir: boolean, value: string, inOrder: boolean, expireTime: number, now: number): ApplyOutcome {
    const outcome = this.createNode(key, dir, value, inOrder, false, expireTime, 'create', now);
    if (!outcome.ok) {
      this.counters.createFail++;
      return outcome;
    }
    this.counters.createSuccess++;
    this.record(outcome.result, false);
    return outcome;
  }

  private update(key: string, value: string, expireTime: number, refresh: boolean, now: number): ApplyOutcome {
    if (key === ROOT_PATH) return this.rootReadOnly('updateSuccess');
    const node = this.tree.walk(key);
    if (!(node instanceof StoreNode)) return this.fail('updateFail', node);
    if (node.isDir && value !== '') return this.fail('updateSuccess', { code: KvErrorCode.NotFile, cause: key });
    const index = this.currentIndex + 1;
    const prevNode = describeNode(node, now);
    // A directory keeps its modifiedIndex: only the event carries the new one.
    if (!node.isDir) {
      node.value = refresh ? node.value : value;
      node.modifiedIndex = index;
    }
    this.tree.setExpireTime(node, expireTime);
    const described = describeNode(node, now);
    described.modifiedIndex = index;
    this.currentIndex = index;
    this.counters.updateSuccess++;
    return this.record({ action: 'update', node: described, prevNode, index }, refresh);
  }

  private compareAndSwap(
    key: string,
    prevValue: string | undefined,
    prevIndex: number | undefined,
    value: string,
    expireTime: number,
    refresh: boolean,
    now: number,
  ): ApplyOutcome {
    if (key === ROOT_PATH) return this.rootReadOnly('compareAndSwapSuccess');
    const node = this.tree.walk(key);
    if (!(node instanceof StoreNode)) return this.fail('compareAndSwapFail', node);
    if (node.isDir) return this.fail('compareAndSwapFail', { code: KvErrorCode.NotFile, cause: key });
    const mismatch = compareFailure(node, prevValue, prevIndex);
    if (mismatch) return this.fail('compareAndSwapFail', { code: KvErrorCode.TestFailed, cause: mismatch });
    const index = this.currentIndex + 1;
    const prevNode = describeNode(node, now);
    if (!refresh) node.value = value;
    node.modifiedIndex = index;
    this.tree.setExpireTime(node, expireTime);
    this.currentIndex = index;
    this.counters.compareAndSwapSuccess++;
    return this.record({ action: 'compareAndSwap', node: describeNode(node, now), prevNode, index }, refresh);
  }

  private delete(key: string, dir: boolean, recursive: boolean, now: number): ApplyOutcome {
    if (key === ROOT_PATH) return this.rootReadOnly('deleteSuccess');
    const node = this.tree.walk(key);
    if (!(node instanceof StoreNode)) return this.fail('deleteFail', node);
    if (node.isDir) {
      if (!dir && !recursive) return this.fail('deleteFail', { code: KvErrorCode.NotFile, cause: node.path });
      if (!recursive && node.children!.size > 0) return this.fail('deleteFail', { code: KvErrorCode.DirNotEmpty, cause: node.path });
    }
    this.counters.deleteSuccess++;
    return succeeded(this.removeWithEvent(node, 'delete', now));
  }

  private compareAndDelete(key: string, prevValue: string | undefined, prevIndex: number | undefined, now: number): ApplyOutcome {
    if (key === ROOT_PATH) return this.rootReadOnly('compareAndDeleteSuccess');
    const node = this.tree.walk(key);
    if (!(node instanceof StoreNode)) return this.fail('compareAndDeleteFail', node);
    if (node.isDir) return this.fail('compareAndDeleteSuccess', { code: KvErrorCode.NotFile, cause: key });
    const mismatch = compareFailure(node, prevValue, prevIndex);
    if (mismatch) return this.fail('compareAndDeleteSuccess', { code: KvErrorCode.TestFailed, cause: mismatch });
    this.counters.compareAndDeleteSuccess++;
    return succeeded(this.removeWithEvent(node, 'compareAndDelete', now));
  }

  private applySync(c: SyncCommand): ApplyOutcome {
    const expired: KvResult[] = [];
    for (let node = this.tree.takeExpired(c.time); node !== undefined; node = this.tree.takeExpired(c.time)) {
      expired.push(this.removeWithEvent(node, 'expire', c.time));
      this.counters.expireCount++;
    }
    const result = expired.at(-1) ?? { action: 'get', node: { key: '', dir: true, modifiedIndex: 0, createdIndex: 0 }, index: this.currentIndex };
    return { ok: true, result, expired };
  }

  // ---- events -------------------------------------------------------------------------

  /** Creates (or, with `replace`, replaces a file by) a node; does not record or notify. */
  private createNode(
    key: string,
    dir: boolean,
    value: string,
    inOrder: boolean,
    replace: boolean,
    expireTime: number,
    action: KvAction,
    now: number,
    knownParent?: StoreNode,
  ): ApplyOutcome {
    const index = this.currentIndex + 1;
    if (inOrder) key = childPath(key, inOrderName(index));
    if (key === ROOT_PATH) return failed(this.error({ code: KvErrorCode.RootReadOnly, cause: ROOT_PATH }));
    const cut = key.lastIndexOf('/');
    const parent = knownParent ?? this.tree.ensureDir(cut === 0 ? ROOT_PATH : key.slice(0, cut), index);
    if (!(parent instanceof StoreNode)) {
      this.counters.setsFail++; // etcd counts a blocked path as a failed set whatever the operation
      return failed(this.error(parent));
    }
    const name = key.slice(cut + 1);
    let prevNode: KvNode | undefined;
    const existing = parent.children!.get(name);
    if (existing !== undefined) {
      if (!replace) return failed(this.error({ code: KvErrorCode.NodeExist, cause: key }));
      if (existing.isDir) return failed(this.error({ code: KvErrorCode.NotFile, cause: key }));
      prevNode = describeNode(existing, now);
    }
    const node = dir ? StoreNode.dir(key, name, parent, index, expireTime) : StoreNode.file(key, name, parent, value, index, expireTime);
    this.tree.insert(node, existing);
    this.currentIndex = index;
    const described = describeNode(node, now);
    return succeeded(prevNode ? { action, node: described, prevNode, index } : { action, node: described, index });
  }

  /**
   * Removes a node with its subtree as one event. Watchers on every removed path hear of it
   * (before the event is recorded, as etcd does), then the event goes the usual way.
   */
  private removeWithEvent(node: StoreNode, action: KvAction, now: number): KvResult {
    const index = this.currentIndex + 1;
    const result: KvResult = { action, node: describeRemoval(node, index), prevNode: describeNode(node, now), index };
    const removed = this.tree.remove(node);
    if (this.hub.count > 0) {
      for (let i = removed.length - 1; i >= 0; i--) this.hub.notifyRemoved(result, removed[i]!.path);
    }
    this.currentIndex = index;
    this.history.add(result);
    this.hub.notify(result);
    return result;
  }

  /** Records an applied event and tells the watchers, unless it is a refresh (recorded, never reported). */
  private record(result: KvResult, refresh: boolean): ApplyOutcome {
    this.history.add(result, refresh);
    if (!refresh) this.hub.notify(result);
    return succeeded(result);
  }

  private error(miss: Miss): KvError {
    return storeError(miss.code, miss.cause, this.currentIndex);
  }

  private fail(counter: CounterName, miss: Miss): ApplyOutcome {
    this.counters[counter]++;
    return failed(this.error(miss));
  }

  private rootReadOnly(counter: CounterName): ApplyOutcome {
    return this.fail(counter, { code: KvErrorCode.RootReadOnly, cause: ROOT_PATH });
  }
}

/** etcd's cause for a failed compare: `[prevValue != value]`, `[prevIndex != modifiedIndex]` or both. */
function compareFailure(node: StoreNode, prevValue: string | undefined, prevIndex: number | undefined): string | undefined {
  const valueMismatch = prevValue !== undefined && prevValue !== '' && node.value !== prevValue;
  const indexMismatch = prevIndex !== undefined && prevIndex !== 0 && node.modifiedIndex !== prevIndex;
  if (valueMismatch && indexMismatch) return `[${prevValue} != ${node.value}] [${prevIndex} != ${node.modifiedIndex}]`;
  if (valueMismatch) return `[${prevValue} != ${node.value}]`;
  if (indexMismatch) return `[${prevIndex} != ${node.modifiedIndex}]`;
  return undefined;
}

