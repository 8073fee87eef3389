import type Router from '@koa/router';
import type { Context } from 'koa';
import { CORE, HttpError, inject, injectable, type ApiEndpoint, type HttpRoute } from '../../core/index.js';
import type { DiscoveryConfig } from './config.js';
import type { RunningDiscovery } from './running-discovery.js';
import { DISCOVERY } from './tokens.js';

/**
 * discovery.etcd.io's `/new?size=N` on this node: a fresh token in this node's store, answered
 * with its discovery URL as plain text. Members then use the URL with etcd's v2 discovery
 * protocol, which the node's v2 keys API serves.
 */
@injectable()
export class DiscoveryRoutes implements HttpRoute {
  readonly name = 'discovery';

  constructor(
    @inject(DISCOVERY.Config) private readonly config: DiscoveryConfig,
    @inject(DISCOVERY.Running) private readonly running: RunningDiscovery,
    @inject(CORE.ApiEndpoint) private readonly endpoint: ApiEndpoint,
  ) {}

  mount(router: Router): void {
    const create = async (ctx: Context) => {
      const raw = ctx.query.size;
      const text = Array.isArray(raw) ? raw[0] : raw;
      const size = text === undefined || text === '' ? 3 : Number(text);
      if (!Number.isInteger(size) || size < 1 || size > this.config.maxSize) {
        throw new HttpError(400, `size must be a whole number from 1 to ${this.config.maxSize}, not ${JSON.stringify(text)}`);
      }
      const registry = this.running.registry;
      if (!registry) throw new HttpError(503, 'this node has no key/value store to keep discovery tokens in');
      const token = await registry.create(size);
      ctx.type = 'text/plain';
      // The URL as the client reached this node, so that it works from where it was asked.
      const origin = ctx.host ? `${ctx.protocol}://${ctx.host}` : (this.endpoint.url ?? '');
      ctx.body = `${origin}/v2/keys${this.config.registry}/${token}`;
    };
    router.get('/new', create);
    router.post('/new', create);
    router.put('/new', create);
  }
}
