import type { KvResult } from '../../../core/index.js';
import type { EventHistory } from './event-history.js';
import { ROOT_PATH, isHiddenBelow } from './key-path.js';
import { tooManyWatchers } from './store-errors.js';
import { StoreWatcher } from './watcher.js';

export const DEFAULT_MAX_WATCHERS = 10_000;

/**
 * Live watchers, indexed by the key they watch: an event on /a/b/c visits only the lists of
 * /, /a, /a/b and /a/b/c.
 */
export class WatcherHub {
  private readonly byKey = new Map<string, Set<StoreWatcher>>();
  private registered = 0;
  private readonly detach = (watcher: StoreWatcher): void => this.remove(watcher);

  constructor(readonly maxWatchers: number) {}

  get count(): number {
    return this.registered;
  }

  /**
   * A watcher on `key` that reports events from `sinceIndex` on. When the history already holds
   * a matching event the watcher gets a copy of it and is not registered at all, stream or not.
   */
  watch(key: string, recursive: boolean, stream: boolean, sinceIndex: number, storeIndex: number, history: EventHistory): StoreWatcher {
    const past = history.scan(key, recursive, sinceIndex, storeIndex);
    const watcher = new StoreWatcher(key, recursive, stream, sinceIndex, storeIndex, this.detach);
    if (past) {
      watcher.deliver(past);
      watcher.end('fired');
      return watcher;
    }
    if (this.registered >= this.maxWatchers) throw tooManyWatchers(this.maxWatchers, storeIndex);
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = new Set()));
    list.add(watcher);
    watcher.attached = true;
    this.registered++;
    return watcher;
  }

  /** Reports an event to the watchers on its key and on each ancestor. */
  notify(event: KvResult): void {
    if (this.registered === 0) return;
    const key = event.node.key;
    this.notifyAt(event, ROOT_PATH, false);
    for (let end = key.indexOf('/', 1); this.registered > 0; end = key.indexOf('/', end + 1)) {
      if (end === -1) {
        this.notifyAt(event, key, false);
        break;
      }
      this.notifyAt(event, key.slice(0, end), false);
    }
  }

  /** Reports the removal of a directory or file to the watchers on a removed path. */
  notifyRemoved(event: KvResult, path: string): void {
    if (this.registered > 0) this.notifyAt(event, path, true);
  }

  /** Ends every registered watcher (after a restore). */
  endAll(): void {
    for (const list of [...this.byKey.values()]) {
      for (const watcher of list) watcher.end('restored');
    }
  }

  private notifyAt(event: KvResult, path: string, removed: boolean): void {
    const list = this.byKey.get(path);
    if (!list) return;
    const exact = event.node.key === path;
    if (!exact && isHiddenBelow(path, event.node.key)) return;
    for (const watcher of list) {
      if (!(watcher.recursive || exact || removed) || event.index < watcher.sinceIndex) continue;
      if (!watcher.deliver(event)) watcher.end('overflow');
      else if (!watcher.stream) watcher.end('fired');
    }
  }

  private remove(watcher: StoreWatcher): void {
    if (!watcher.attached) return;
    watcher.attached = false;
    this.registered--;
    const list = this.byKey.get(watcher.key);
    if (!list) return;
    list.delete(watcher);
    if (list.size === 0) this.byKey.delete(watcher.key);
  }
}
