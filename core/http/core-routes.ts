import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { HealthCheck, VersionInfo } from '../contracts/http-route.js';
import type { NodeIdentity } from '../node-identity.js';
import type { PluginStatusSource } from '../plugin-status.js';
import { withDeadline } from '../deadline.js';

const HEALTH_CHECK_TIMEOUT_MS = 2000;

/** /health, /version, /metrics and /v1/plugins: what every node serves whatever its plugins. */
export function coreRoutes(deps: {
  node: NodeIdentity;
  metrics: Registry;
  plugins: PluginStatusSource;
  healthChecks: readonly HealthCheck[];
  versionInfo: readonly VersionInfo[];
}): Router {
  const router = new Router();

  router.get('/health', async (ctx) => {
    const results = await Promise.all(
      deps.healthChecks.map(async (check) => {
        try {
          return [check.name, await withDeadline(check.check(), HEALTH_CHECK_TIMEOUT_MS, `health check ${check.name}`)] as const;
        } catch (error) {
          return [check.name, { ok: false, detail: (error as Error).message }] as const;
        }
      }),
    );
    const notRunning = deps.plugins.list().filter((plugin) => plugin.state !== 'running');
    const healthy = results.every(([, report]) => report.ok) && notRunning.length === 0;
    ctx.status = healthy ? 200 : 503;
    ctx.body = {
      health: String(healthy),
      node: deps.node.name,
      checks: Object.fromEntries(results),
      ...(notRunning.length > 0 ? { pluginsNotRunning: notRunning.map((plugin) => `${plugin.id} (${plugin.state})`) } : {}),
    };
  });

  router.get('/version', (ctx) => {
    const contributed = Object.assign({}, ...deps.versionInfo.map((info) => info.fields())) as Record<string, string>;
    ctx.body = { ...contributed, flotilla: deps.node.version, node: process.version };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.metrics();
  });

  router.get('/v1/plugins', (ctx) => {
    ctx.body = deps.plugins.list();
  });

  router.get('/v1/node', (ctx) => {
    const { name, machineId, metadata, version } = deps.node;
    ctx.body = { name, machineId, metadata, version };
  });

  return router;
}
