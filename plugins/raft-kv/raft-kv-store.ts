import {
  inject,
  injectable,
  KvError,
  KvErrorCode,
  type KvDeleteOptions,
  type KvGetOptions,
  type KvResult,
  type KvSetOptions,
  type KvStore,
  type KvWatch,
  type KvWatchOptions,
} from '../../core/index.js';
import type { RaftDriver } from './raft-driver.js';
import type { StoreCommand } from './store/commands.js';
import type { ApplyOutcome } from './store/v2-store.js';
import { RAFT_KV } from './tokens.js';

function unwrap(outcome: ApplyOutcome | undefined): KvResult {
  if (!outcome) throw new KvError(KvErrorCode.RaftInternal, 'Raft Internal Error', 'no result for the command', 0);
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** The node's KvStore for other plugins: writes go through Raft, reads are linearizable by default. */
@injectable()
export class RaftKvStore implements KvStore {
  constructor(@inject(RAFT_KV.Driver) private readonly driver: RaftDriver) {}

  async get(key: string, options: KvGetOptions = {}): Promise<KvResult> {
    const read = () => unwrap(this.driver.machine.store.get(key, { recursive: options.recursive, sorted: options.sorted }, Date.now()));
    return options.consistency === 'serializable' ? read() : this.driver.linearizableRead(read);
  }

  set(key: string, value: string, options: KvSetOptions = {}): Promise<KvResult> {
    return this.write({ op: 'set', key, ...(options.dir ? {} : { value }), ...options, time: Date.now() });
  }

  createInOrder(dir: string, value: string, options: Pick<KvSetOptions, 'ttl'> = {}): Promise<KvResult> {
    return this.write({ op: 'createInOrder', dir, value, ...options, time: Date.now() });
  }

  delete(key: string, options: KvDeleteOptions = {}): Promise<KvResult> {
    return this.write({ op: 'delete', key, ...options, time: Date.now() });
  }

  watch(key: string, options: KvWatchOptions = {}): KvWatch {
    const watcher = this.driver.machine.store.watch(key, { recursive: options.recursive, waitIndex: options.waitIndex, stream: true });
    options.signal?.addEventListener('abort', () => watcher.close(), { once: true });
    return {
      close: () => watcher.close(),
      async *[Symbol.asyncIterator]() {
        try {
          while (!watcher.closed) {
            const event = await watcher.next().catch(() => undefined);
            if (event === undefined) return;
            yield event;
          }
        } finally {
          watcher.close();
        }
      },
    };
  }

  private async write(command: StoreCommand): Promise<KvResult> {
    return unwrap(await this.driver.propose(command));
  }
}
