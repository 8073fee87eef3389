import { randomBytes } from 'node:crypto';
import { KvError, KvErrorCode, type KvStore, type Logger } from '../../core/index.js';
import type { DiscoveryConfig } from './config.js';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Discovery tokens in this node's store, laid out as etcd's discovery service lays them out:
 * `<registry>/<token>/_config/size`, and one key per registered member beside it. A token
 * directory carries a TTL: long while its cluster forms, shorter once it has formed.
 */
export class TokenRegistry {
  constructor(
    private readonly kv: KvStore,
    private readonly config: DiscoveryConfig,
    private readonly log: Logger,
  ) {}

  async create(size: number): Promise<string> {
    const token = randomBytes(16).toString('hex');
    const dir = `${this.config.registry}/${token}`;
    await this.kv.set(dir, '', { dir: true, prevExist: false, ttl: seconds(this.config.unformedTokenTtl) });
    await this.kv.set(`${dir}/_config/size`, String(size));
    return token;
  }

  /**
   * Gives every token whose cluster has formed (`size` members registered) the shorter TTL,
   * once. Returns how many it shortened.
   */
  async expireFormed(): Promise<number> {
    let tokens;
    try {
      tokens = (await this.kv.get(this.config.registry, { recursive: true })).node.nodes ?? [];
    } catch (error) {
      if (error instanceof KvError && error.errorCode === KvErrorCode.KeyNotFound) return 0;
      throw error;
    }
    const formedTtl = seconds(this.config.formedTokenTtl);
    let shortened = 0;
    for (const dir of tokens) {
      if (!dir.dir || (dir.ttl !== undefined && dir.ttl <= formedTtl)) continue;
      // `_config` is hidden from listings (a leading underscore), so the size is read on its own.
      const registered = (dir.nodes ?? []).filter((n) => !n.dir).length;
      const size = Number(await this.kv.get(`${dir.key}/_config/size`).then((r) => r.node.value, () => undefined));
      if (!Number.isInteger(size) || registered < size) continue;
      await this.kv.set(dir.key, '', { dir: true, prevExist: true, ttl: formedTtl }).then(
        () => shortened++,
        (err) => this.log.debug({ err, token: dir.key }, 'could not shorten the TTL of a formed token'),
      );
    }
    return shortened;
  }
}
