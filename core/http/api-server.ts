import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import type { HealthCheck, HttpRoute, VersionInfo } from '../contracts/http-route.js';
import { inject, injectable, injectAll } from '../di.js';
import type { NodeConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';
import type { NodeIdentity } from '../node-identity.js';
import type { PluginStatusSource } from '../plugin-status.js';
import { CORE } from '../tokens.js';
import { accessLog } from './access-log.js';
import { bearerAuth } from './bearer-auth.js';
import { declaredBodyLimit } from './body-limit.js';
import { coreRoutes } from './core-routes.js';
import { errorHandler } from './error-handler.js';
import { httpMetrics } from './http-metrics.js';
import { requestId } from './request-id.js';

const OPEN_PATHS = new Set(['/health']);
/** How long open requests (watches, follows) may finish on their own when the node stops. */
const CLOSE_GRACE_MS = 500;

/** The node's HTTP API: core routes plus every plugin's HttpRoute, behind auth and limits. */
@injectable()
export class ApiServer {
  private server?: Server;
  private readonly log: Logger;

  constructor(
    @inject(CORE.Config) private readonly config: NodeConfig,
    @inject(CORE.Logger) logger: Logger,
    @inject(CORE.Node) private readonly node: NodeIdentity,
    @inject(CORE.Metrics) private readonly metrics: Registry,
    @inject(CORE.PluginStatus) private readonly plugins: PluginStatusSource,
    @injectAll(CORE.HttpRoute, { isOptional: true }) private readonly routes: HttpRoute[],
    @injectAll(CORE.HealthCheck, { isOptional: true }) private readonly healthChecks: HealthCheck[],
    @injectAll(CORE.VersionInfo, { isOptional: true }) private readonly versionInfo: VersionInfo[],
  ) {
    this.log = logger.child({ component: 'api' });
  }

  /** A Koa app with everything mounted; `listen` serves it, tests may drive it directly. */
  buildApp(): Koa {
    const { api } = this.config;
    const app = new Koa({ proxy: false });
    app.silent = true;
    app.use(requestId());
    app.use(httpMetrics(this.metrics));
    app.use(accessLog(this.log));
    app.use(errorHandler(this.log));
    if (this.config.apiToken !== undefined) app.use(bearerAuth(this.config.apiToken, OPEN_PATHS));
    app.use(declaredBodyLimit(api.bodyLimit));
    const limit = `${api.bodyLimit}b`;
    app.use(bodyParser({ enableTypes: ['json', 'form', 'text'], jsonLimit: limit, formLimit: limit, textLimit: limit }));

    const router = new Router();
    router.use(
      coreRoutes({ node: this.node, metrics: this.metrics, plugins: this.plugins, healthChecks: this.healthChecks, versionInfo: this.versionInfo }).routes(),
    );
    for (const route of this.routes ?? []) {
      route.mount(router);
      this.log.debug({ route: route.name }, 'mounted routes');
    }
    app.use(router.routes());
    app.use(router.allowedMethods());
    return app;
  }

  async listen(): Promise<AddressInfo> {
    const { address, port, headersTimeout } = this.config.api;
    const server = createServer(this.buildApp().callback());
    server.headersTimeout = headersTimeout;
    server.keepAliveTimeout = 5000;
    server.listen({ host: address, port });
    try {
      await once(server, 'listening');
    } catch (error) {
      throw new Error(`cannot listen on ${address}:${port}: ${(error as Error).message}`, { cause: error });
    }
    this.server = server;
    const bound = server.address() as AddressInfo;
    this.log.info({ address: bound.address, port: bound.port, auth: this.config.apiToken !== undefined }, 'API listening');
    return bound;
  }

  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
  }
}
