import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE } from '../../../core/index.js';
import discovery from '../../../plugins/discovery/index.js';
import raftKv from '../../../plugins/raft-kv/index.js';
import { freePorts } from '../../support/ports.js';
import { rejects } from '../../support/rejects.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

interface Ctx {
  server: TestNode;
  url: string;
  members: (TestNode | undefined)[];
  ports: number[];
  root: { path: string; cleanup(): void };
}

const test = suite<Ctx>('discovery: three nodes form a cluster from one token');

const member = (ctx: Ctx, i: number, dataDir = path.join(ctx.root.path, `m${i + 1}`)) =>
  startTestNode({
    catalog: [raftKv, discovery],
    config: {
      node: { name: `m${i + 1}` },
      dataDir,
      plugins: { 'raft-kv': { peerPort: ctx.ports[i], discovery: ctx.url, tick: '20ms' }, discovery: { serve: false } },
    },
  });

test.before(async (ctx) => {
  ctx.root = tempDir('flotilla-disc-');
  ctx.ports = await freePorts(5);
  ctx.server = await startTestNode({ catalog: [raftKv, discovery], config: { plugins: { 'raft-kv': { tick: '20ms', peerPort: 0 }, discovery: {} } } });
  const response = await fetch(`${ctx.server.url}/new?size=3`, { method: 'POST' });
  assert.is(response.status, 200);
  ctx.url = (await response.text()).trim();
  assert.match(ctx.url, new RegExp(`^${ctx.server.url}/v2/keys/_etcd/registry/[0-9a-f]{32}$`));
  ctx.members = [];
});

test.after(async (ctx) => {
  await Promise.all((ctx.members ?? []).map((m) => m?.stop()));
  await ctx.server?.stop();
  ctx.root?.cleanup();
});

test('the three founders find each other and form one cluster', async (ctx) => {
  ctx.members = await Promise.all([0, 1, 2].map((i) => member(ctx, i)));
  const kv = (i: number) => ctx.members[i]!.kernel.container.resolve(CORE.KvStore);
  await kv(0).set('/hello', 'from m1');
  assert.is((await kv(2).get('/hello')).node.value, 'from m1');
  const members = await (await fetch(`${ctx.members[1]!.url}/v2/members`)).json() as { members: { name: string }[] };
  assert.equal(members.members.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
  const registered = await (await fetch(ctx.url)).json() as { node: { nodes: { key: string; value?: string }[] } };
  const values = registered.node.nodes.filter((n) => !n.key.endsWith('/_config')).map((n) => n.value).sort();
  assert.equal(values, [0, 1, 2].map((i) => `m${i + 1}=http://127.0.0.1:${ctx.ports[i]}`));
});

test('a fourth member is refused: the cluster is full', async (ctx) => {
  const error = await rejects(() => member(ctx, 3));
  assert.match(String((error as Error).message) + String((error as Error & { cause?: Error }).cause?.message), /cluster is full/);
});

test('a restarted member rejoins from its data dir without asking the discovery URL again', async (ctx) => {
  await ctx.members[1]!.stop();
  ctx.members[1] = undefined;
  // The token is gone from the discovery service: a restart must not need it.
  await ctx.server.kernel.container.resolve(CORE.KvStore).delete(new URL(ctx.url).pathname.replace('/v2/keys', ''), { dir: true, recursive: true });
  ctx.members[1] = await member(ctx, 1);
  const kv = ctx.members[1]!.kernel.container.resolve(CORE.KvStore);
  await ctx.members[0]!.kernel.container.resolve(CORE.KvStore).set('/after', 'restart');
  for (let i = 0; i < 100 && (await kv.get('/after').catch(() => undefined)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  assert.is((await kv.get('/after')).node.value, 'restart');
});

test('a member that lost its data dir is refused as a duplicate', async (ctx) => {
  const response = await fetch(`${ctx.server.url}/new?size=1`, { method: 'POST' });
  const url = (await response.text()).trim();
  const dir = path.join(ctx.root.path, 'solo');
  const solo = () =>
    startTestNode({
      catalog: [raftKv, discovery],
      config: { node: { name: 'solo' }, dataDir: dir, plugins: { 'raft-kv': { peerPort: ctx.ports[4], discovery: url, tick: '20ms' }, discovery: { serve: false } } },
    });
  const first = await solo();
  await first.stop();
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
  const error = await rejects(() => solo());
  const text = String((error as Error).message) + String((error as Error & { cause?: Error }).cause?.message);
  assert.match(text, /has previously registered/);
});

test.run();
