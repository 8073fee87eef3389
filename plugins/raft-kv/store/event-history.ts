import type { KvResult } from '../../../core/index.js';
import { historyCleared } from './store-errors.js';

export interface HistoryEntry {
  result: KvResult;
  /** A TTL refresh: kept (it has an index) but never reported to watchers. */
  refresh: boolean;
}

/**
 * The last `capacity` events, one per store index, in a ring. Every mutation records exactly
 * one event, so the event for index i sits at offset i - startIndex.
 */
export class EventHistory {
  private readonly events: KvResult[] = [];
  private readonly refreshes: Uint8Array;
  private front = 0;
  private count = 0;
  /** Index of the oldest event kept; 0 while the history is empty. */
  startIndex = 0;
  lastIndex = 0;

  constructor(readonly capacity: number) {
    this.refreshes = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(result: KvResult, refresh = false): void {
    let slot: number;
    if (this.count < this.capacity) {
      slot = this.count++;
      this.events.push(result);
    } else {
      slot = this.front;
      this.events[slot] = result;
      this.front = (this.front + 1) % this.capacity;
    }
    this.refreshes[slot] = refresh ? 1 : 0;
    this.startIndex = this.events[this.front]!.index;
    this.lastIndex = result.index;
  }

  /**
   * The first event at or after `index` that a watcher on `key` would see, or undefined when
   * none is kept yet. Throws 401 when `index` is older than the oldest event kept.
   */
  scan(key: string, recursive: boolean, index: number, storeIndex: number): KvResult | undefined {
    if (index < this.startIndex) throw historyCleared(this.startIndex, index, storeIndex);
    if (index > this.lastIndex || this.count === 0) return undefined;
    const prefix = key.endsWith('/') ? key : key + '/';
    for (let offset = index - this.startIndex; offset < this.count; offset++) {
      const slot = (this.front + offset) % this.capacity;
      if (this.refreshes[slot] === 1) continue;
      const event = this.events[slot]!;
      const eventKey = event.node.key;
      if (eventKey === key || (recursive && eventKey.startsWith(prefix))) return event;
      // etcd compares a removed directory's key as a bare string prefix, without a '/' boundary.
      if ((event.action === 'delete' || event.action === 'expire') && event.prevNode?.dir && key.startsWith(event.prevNode.key)) {
        return event;
      }
    }
    return undefined;
  }

  /** Oldest first. */
  entries(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let offset = 0; offset < this.count; offset++) {
      const slot = (this.front + offset) % this.capacity;
      out.push({ result: this.events[slot]!, refresh: this.refreshes[slot] === 1 });
    }
    return out;
  }
}
