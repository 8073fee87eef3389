import type { KvResult } from '../../../core/index.js';

export interface Watcher {
  /**
   * Resolves with the next matching event (a non-stream watcher yields one). Rejects with a
   * WatcherClosedError once the watcher is closed and every event it received has been read.
   */
  next(): Promise<KvResult>;
  close(): void;
  /** True when next() can yield nothing more. */
  readonly closed: boolean;
}

/**
 * Why a watcher ended: `closed` by its owner, `fired` (a non-stream watcher after its event),
 * `overflow` (a stream watcher that fell `STREAM_BUFFER` events behind), or `restored` (the
 * store was replaced by a snapshot).
 */
export type WatcherEndReason = 'closed' | 'fired' | 'overflow' | 'restored';

export class WatcherClosedError extends Error {
  constructor(readonly reason: WatcherEndReason) {
    super(`watcher ended (${reason})`);
    this.name = 'WatcherClosedError';
  }
}

/** Unread events a stream watcher may hold before it is dropped, as etcd's event channel. */
export const STREAM_BUFFER = 100;

interface Waiter {
  resolve(result: KvResult): void;
  reject(error: Error): void;
}

export class StoreWatcher implements Watcher {
  private readonly queue: KvResult[] = [];
  private readonly waiters: Waiter[] = [];
  private endReason: WatcherEndReason | undefined;
  /** Registered with the hub, i.e. still receiving live events. */
  attached = false;

  constructor(
    readonly key: string,
    readonly recursive: boolean,
    readonly stream: boolean,
    /** The lowest event index this watcher reports. */
    readonly sinceIndex: number,
    /** The store index when the watch was registered: the index every reported result carries. */
    readonly startIndex: number,
    private readonly detach: (watcher: StoreWatcher) => void,
  ) {}

  get closed(): boolean {
    return this.endReason !== undefined && this.queue.length === 0;
  }

  next(): Promise<KvResult> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.endReason !== undefined) return Promise.reject(new WatcherClosedError(this.endReason));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): void {
    if (this.endReason === 'closed' && this.queue.length === 0) return;
    this.queue.length = 0;
    this.end('closed');
  }

  /** Hands over an event; false when a stream watcher's buffer is full and the event was dropped. */
  deliver(event: KvResult): boolean {
    const result: KvResult = event.prevNode
      ? { action: event.action, node: event.node, prevNode: event.prevNode, index: this.startIndex }
      : { action: event.action, node: event.node, index: this.startIndex };
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(result);
      return true;
    }
    if (this.queue.length >= STREAM_BUFFER) return false;
    this.queue.push(result);
    return true;
  }

  /** No more events will arrive; those already queued can still be read. */
  end(reason: WatcherEndReason): void {
    if (this.attached) this.detach(this);
    if (this.endReason === undefined || reason === 'closed') this.endReason = reason;
    if (this.queue.length > 0) return;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new WatcherClosedError(this.endReason));
  }
}
