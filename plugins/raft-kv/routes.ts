import type Router from '@koa/router';
import { inject, injectable, type HealthCheck, type HealthReport, type HttpRoute } from '../../core/index.js';
import type { RaftKvConfig } from './config.js';
import { mountClusterRoutes } from './http/cluster-routes.js';
import { KeysRoute } from './http/keys-route.js';
import type { RaftDriver } from './raft-driver.js';
import { RAFT_KV } from './tokens.js';

/** etcd's v2 API on the node's API server: keys, members, stats, machines. */
@injectable()
export class RaftKvRoutes implements HttpRoute {
  readonly name = 'raft-kv';

  constructor(
    @inject(RAFT_KV.Driver) private readonly driver: RaftDriver,
    @inject(RAFT_KV.Config) private readonly config: RaftKvConfig,
  ) {}

  mount(router: Router): void {
    const keys = new KeysRoute(this.driver, this.config);
    router.all('/v2/keys{/*rest}', (ctx) => keys.handle(ctx));
    mountClusterRoutes(router, this.driver, this.config);
  }
}

/** Healthy while the member knows a leader (etcd's /health says the same). */
@injectable()
export class RaftHealth implements HealthCheck {
  readonly name = 'raft';

  constructor(@inject(RAFT_KV.Driver) private readonly driver: RaftDriver) {}

  async check(): Promise<HealthReport> {
    const status = this.driver.status();
    if (status.leader === null) return { ok: false, detail: `no leader (term ${status.term})` };
    return { ok: true, detail: `leader ${status.leader}, term ${status.term}, applied ${status.applied}` };
  }
}
