import path from 'node:path';
import type Router from '@koa/router';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, definePlugin, HttpError, type HealthCheck, type HttpRoute } from '../../core/index.js';
import { curl } from '../support/curl.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const api = suite('core: API host');

const TOKEN = 'test-token-0123456789abcdef';
const ZONE_MODULE = path.resolve('test/fixtures/plugins/zone-constraint.ts');

let healthy = true;
const probeRoutes: HttpRoute = {
  name: 'probe',
  mount(router: Router) {
    router.post('/v1/echo', (ctx) => {
      ctx.body = { received: ctx.request.body ?? null };
    });
    router.get('/v1/conflict', () => {
      throw new HttpError(409, 'unit app.service already exists');
    });
    router.get('/v2/keys/missing', () => {
      throw new HttpError(404, 'Key not found', { errorCode: 100, message: 'Key not found', cause: '/missing', index: 7 }, { 'X-Etcd-Index': '7' });
    });
    router.get('/v1/foreign', () => {
      // An HttpError from another copy of Flotilla (a plugin bundling its own): recognised by brand.
      throw Object.assign(new Error('I am a teapot'), { status: 418, body: { teapot: true }, [Symbol.for('flotilla.HttpError')]: true });
    });
    router.get('/v1/foreign-5xx', () => {
      throw Object.assign(new Error('upstream etcd unavailable'), { status: 503, [Symbol.for('flotilla.HttpError')]: true });
    });
    router.get('/v1/bug', () => {
      throw new TypeError('cannot read properties of undefined (secret detail)');
    });
  },
};
const probeHealth: HealthCheck = { name: 'probe', check: async () => ({ ok: healthy, detail: healthy ? 'fine' : 'disk full' }) };
const probe = definePlugin({
  id: 'probe',
  register({ container }) {
    container.register(CORE.HttpRoute, { useValue: probeRoutes });
    container.register(CORE.HealthCheck, { useValue: probeHealth });
  },
});

async function withNode(config: Record<string, unknown>, body: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await startTestNode({ catalog: [probe], config });
  try {
    await body(node);
  } finally {
    await node.stop();
  }
}

const open = { node: { name: 'api-test' }, api: { bodyLimit: '1kb' }, plugins: { probe: {}, 'zone-constraint': { module: ZONE_MODULE, zone: 'eu-1' } } };

api('health, version and node identity', async () => {
  await withNode(open, async ({ url, kernel }) => {
    healthy = true;
    const health = await curl(`${url}/health`);
    assert.is(health.status, 200);
    assert.equal(health.json(), {
      health: 'true',
      node: 'api-test',
      checks: { probe: { ok: true, detail: 'fine' }, zone: { ok: true, detail: 'zone rules loaded' } },
    });
    healthy = false;
    const sick = await curl(`${url}/health`);
    assert.is(sick.status, 503);
    assert.is(sick.json().health, 'false');
    assert.equal(sick.json().checks.probe, { ok: false, detail: 'disk full' });
    healthy = true;

    const version = await curl(`${url}/version`);
    assert.equal(version.json(), { flotilla: '0.1.0', node: process.version });
    const node = await curl(`${url}/v1/node`);
    assert.equal(node.json(), { name: 'api-test', machineId: kernel.node!.machineId, metadata: {}, version: '0.1.0' });
  });
});

api('plugin routes are mounted, a third-party plugin loaded by path among them', async () => {
  await withNode(open, async ({ url }) => {
    const zone = await curl(`${url}/v1/zone`);
    assert.is(zone.status, 200);
    assert.equal(zone.json(), { zone: 'eu-1', strict: false });
    const plugins = (await curl(`${url}/v1/plugins`)).json() as { id: string; state: string; source: string }[];
    assert.equal(plugins.map((p) => [p.id, p.state, p.source]), [['probe', 'running', 'built-in'], ['zone-constraint', 'running', ZONE_MODULE]]);
  });
});

api('errors are JSON: unknown routes 404, wrong methods 405 with Allow, plugin errors keep their status and shape', async () => {
  await withNode(open, async ({ url }) => {
    const missing = await curl(`${url}/v1/nothing-here`);
    assert.is(missing.status, 404);
    assert.is(missing.json().error.message, 'no route for GET /v1/nothing-here');
    assert.is(missing.json().error.code, 404);

    const wrongMethod = await curl(`${url}/version`, ['-X', 'DELETE']);
    assert.is(wrongMethod.status, 405);
    assert.is(wrongMethod.headers.allow, 'HEAD, GET');
    assert.is(wrongMethod.json().error.message, 'Method Not Allowed');

    const conflict = await curl(`${url}/v1/conflict`);
    assert.is(conflict.status, 409);
    assert.is(conflict.json().error.message, 'unit app.service already exists');

    const foreign = await curl(`${url}/v1/foreign`);
    assert.is(foreign.status, 418);
    assert.equal(foreign.json(), { teapot: true });
    const unavailable = await curl(`${url}/v1/foreign-5xx`);
    assert.is(unavailable.status, 503);
    assert.is(unavailable.json().error.message, 'upstream etcd unavailable');

    const etcdShaped = await curl(`${url}/v2/keys/missing`);
    assert.is(etcdShaped.status, 404);
    assert.is(etcdShaped.headers['x-etcd-index'], '7');
    assert.equal(etcdShaped.json(), { errorCode: 100, message: 'Key not found', cause: '/missing', index: 7 });
  });
});

api('an unexpected error is a 500 that hides its detail and keeps serving', async () => {
  await withNode(open, async ({ url }) => {
    const bug = await curl(`${url}/v1/bug`, ['-H', 'X-Request-Id: trace-me-1']);
    assert.is(bug.status, 500);
    assert.equal(bug.json(), { error: { code: 500, message: 'internal error', requestId: 'trace-me-1' } });
    assert.not.match(bug.body, /secret detail/);
    assert.is((await curl(`${url}/version`)).status, 200);
  });
});

api('bodies: JSON and forms are parsed, oversized bodies get 413, malformed JSON 400', async () => {
  await withNode(open, async ({ url }) => {
    const json = await curl(`${url}/v1/echo`, ['-H', 'Content-Type: application/json', '--data', '{"name":"app.service"}']);
    assert.equal(json.json(), { received: { name: 'app.service' } });
    const form = await curl(`${url}/v1/echo`, ['--data', 'value=hello&ttl=5']);
    assert.equal(form.json(), { received: { value: 'hello', ttl: '5' } });

    const big = 'x'.repeat(2000);
    const declared = await curl(`${url}/v1/echo`, ['--data', `value=${big}`]);
    assert.is(declared.status, 413);
    assert.match(declared.json().error.message, /exceeds the limit of 1000 bytes/);
    const chunked = await curl(`${url}/v1/echo`, ['-H', 'Transfer-Encoding: chunked', '-H', 'Content-Type: application/json', '--data', `{"v":"${big}"}`]);
    assert.is(chunked.status, 413);

    const malformed = await curl(`${url}/v1/echo`, ['-H', 'Content-Type: application/json', '--data', '{"name":']);
    assert.is(malformed.status, 400);
    assert.is(malformed.json().error.code, 400);
  });
});

api('request ids: a sane caller id is echoed, anything else is replaced', async () => {
  await withNode(open, async ({ url }) => {
    assert.is((await curl(`${url}/version`, ['-H', 'X-Request-Id: abc-123'])).headers['x-request-id'], 'abc-123');
    const replaced = (await curl(`${url}/version`, ['-H', 'X-Request-Id: <script>'])).headers['x-request-id'];
    assert.match(replaced!, /^[0-9a-f-]{36}$/);
    assert.match((await curl(`${url}/version`)).headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  });
});

api('bearer auth guards every route but /health', async () => {
  await withNode({ ...open, api: { token: TOKEN } }, async ({ url }) => {
    assert.is((await curl(`${url}/health`)).status, 200);
    const none = await curl(`${url}/version`);
    assert.is(none.status, 401);
    assert.is(none.headers['www-authenticate'], 'Bearer realm="flotilla"');
    assert.is(none.json().error.message, 'missing bearer token');
    const wrong = await curl(`${url}/v1/plugins`, ['-H', 'Authorization: Bearer not-the-token']);
    assert.is(wrong.status, 401);
    assert.is(wrong.headers['www-authenticate'], 'Bearer realm="flotilla", error="invalid_token"');
    const basic = await curl(`${url}/metrics`, ['-u', `user:${TOKEN}`]);
    assert.is(basic.status, 401);
    const right = await curl(`${url}/v1/zone`, ['-H', `Authorization: Bearer ${TOKEN}`]);
    assert.is(right.status, 200);
    const unknownRoute = await curl(`${url}/v1/nothing`);
    assert.is(unknownRoute.status, 401, 'unauthenticated callers learn nothing about routes');
    const oversized = await curl(`${url}/v1/echo`, ['--data', `value=${'x'.repeat(5000)}`]);
    assert.is(oversized.status, 401, 'nor about limits');
  });
});

api('Prometheus metrics count requests by matched route and report plugin state', async () => {
  await withNode(open, async ({ url }) => {
    await curl(`${url}/v1/zone`);
    await curl(`${url}/v1/zone`);
    await curl(`${url}/v1/nothing`);
    const metrics = await curl(`${url}/metrics`);
    assert.is(metrics.status, 200);
    assert.match(metrics.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    assert.match(metrics.body, /flotilla_http_requests_total\{method="GET",route="\/v1\/zone",status="200",node="api-test"\} 2/);
    assert.match(metrics.body, /flotilla_http_requests_total\{method="GET",route="unmatched",status="404",node="api-test"\} 1/);
    assert.match(metrics.body, /flotilla_plugin_running\{plugin="zone-constraint",node="api-test"\} 1/);
    assert.match(metrics.body, /process_resident_memory_bytes/);
  });
});

api('the API listens where configured and is gone once the node stops', async () => {
  const node = await startTestNode({ config: { api: { address: '127.0.0.3' } } });
  const { address, port } = node.kernel.apiAddress!;
  assert.is(address, '127.0.0.3');
  assert.is((await curl(`http://127.0.0.3:${port}/health`)).status, 200);
  await node.stop();
  const refused = await curl(`http://127.0.0.3:${port}/health`).then(() => 'answered', () => 'refused');
  assert.is(refused, 'refused');
});

api('a port already in use fails the start with the address, and nothing stays running', async () => {
  const first = await startTestNode();
  const { port } = first.kernel.apiAddress!;
  try {
    const error = await startTestNode({ config: { api: { port } } }).then(() => undefined, (e: Error) => e);
    assert.match(error!.message, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  } finally {
    await first.stop();
  }
});

api.run();
