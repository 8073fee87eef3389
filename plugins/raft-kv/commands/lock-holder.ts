import { EtcdError, type V2Client } from './v2-client.js';
import { watchChanges } from './watcher.js';

export const LOCKS_DIR = '/_flotilla/locks';

const GONE = new Set(['delete', 'expire', 'compareAndDelete']);

export class LockLostError extends Error {
  constructor(key: string) {
    super(`lock lost: ${key} expired or was removed`);
    this.name = 'LockLostError';
  }
}

/**
 * One claim on a named lock: an in-order key with a TTL under /_flotilla/locks/NAME, kept alive
 * at ttl/3. The claim holds the lock once its key is the lowest; it waits by watching the key
 * just below its own, so a release wakes one waiter only.
 */
export class LockClaim {
  key?: string;
  private timer?: NodeJS.Timeout;
  private readonly lost = new AbortController();
  /** Called once if the key disappears while held (it expired: this process was too slow to refresh). */
  onLost?: (error: LockLostError) => void;
  onWarning?: (message: string) => void;

  constructor(
    private readonly client: V2Client,
    private readonly name: string,
    private readonly ttl: number,
    private readonly holder: string,
  ) {}

  get dir(): string {
    return `${LOCKS_DIR}/${this.name}`;
  }

  /** Waits for the lock; resolves with the fencing token, the key's modifiedIndex after a write made once it is the lowest. */
  async acquire(signal?: AbortSignal): Promise<number> {
    const created = await this.client.keys('POST', this.dir, { form: { value: this.holder, ttl: String(this.ttl) } });
    this.key = created.body.node.key!;
    this.timer = setInterval(() => void this.keepAlive(), Math.max(1, Math.floor((this.ttl * 1000) / 3)));
    const abort = AbortSignal.any([this.lost.signal, ...(signal ? [signal] : [])]);
    for (;;) {
      const listing = await this.client.keys('GET', this.dir, { query: { quorum: 'true', recursive: 'false', sorted: 'true' } });
      const queue = (listing.body.node.nodes ?? []).filter((node) => !node.dir).map((node) => node.key!);
      const place = queue.indexOf(this.key);
      if (place === -1) throw new LockLostError(this.key);
      if (place === 0) break;
      await this.waitUntilGone(queue[place - 1]!, listing.index, abort);
    }
    // A write after the predecessor went: its index is above every earlier holder's token.
    return (await this.refresh()).body.node.modifiedIndex!;
  }

  /** Stops refreshing and deletes the key; safe to call at any point, and twice. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.key) return;
    const key = this.key;
    this.key = undefined;
    await this.client.keys('DELETE', key).catch((error: unknown) => {
      if (!(error instanceof EtcdError && error.errorCode === 100)) this.onWarning?.(`could not remove ${key}: ${(error as Error).message}`);
    });
  }

  private async waitUntilGone(key: string, seenAt: number, signal: AbortSignal): Promise<void> {
    for await (const change of watchChanges(this.client, key, { recursive: false, afterIndex: seenAt, signal })) {
      if (GONE.has(change.body.action)) return;
    }
  }

  private refresh() {
    return this.client.keys('PUT', this.key!, { query: { prevExist: 'true' }, form: { refresh: 'true', ttl: String(this.ttl) } });
  }

  private async keepAlive(): Promise<void> {
    if (!this.key) return;
    try {
      await this.refresh();
    } catch (error) {
      if (error instanceof EtcdError && error.errorCode === 100 && this.key) {
        clearInterval(this.timer);
        const lost = new LockLostError(this.key);
        this.key = undefined;
        this.lost.abort(lost);
        this.onLost?.(lost);
      } else {
        this.onWarning?.(`could not refresh ${this.key}: ${(error as Error).message}`);
      }
    }
  }
}
