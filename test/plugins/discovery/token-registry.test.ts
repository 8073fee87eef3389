import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, silentLogger } from '../../../core/index.js';
import { discoveryConfigSchema } from '../../../plugins/discovery/config.js';
import { TokenRegistry } from '../../../plugins/discovery/token-registry.js';
import raftKv from '../../../plugins/raft-kv/index.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const test = suite<{ node: TestNode }>('discovery: tokens in the store');

test.before(async (ctx) => {
  ctx.node = await startTestNode({ catalog: [raftKv], config: { plugins: { 'raft-kv': { peerPort: 0 } } } });
});

test.after(async ({ node }) => {
  await node?.stop();
});

test("a token is etcd's layout, long-lived until its cluster forms, then kept only formedTokenTtl", async ({ node }) => {
  const kv = node.kernel.container.resolve(CORE.KvStore);
  const config = discoveryConfigSchema.parse({ formedTokenTtl: '1h', unformedTokenTtl: '7d' });
  const tokens = new TokenRegistry(kv, config, silentLogger());
  const token = await tokens.create(2);
  const dir = `/_etcd/registry/${token}`;
  assert.is((await kv.get(`${dir}/_config/size`)).node.value, '2');
  const ttl = async () => (await kv.get(dir)).node.ttl!;
  assert.ok((await ttl()) > 6 * 24 * 3600, 'an unformed token lives for days');

  await kv.set(`${dir}/aaaa`, 'm1=http://127.0.0.1:1');
  assert.is(await tokens.expireFormed(), 0, 'one of two registered: not formed yet');
  await kv.set(`${dir}/bbbb`, 'm2=http://127.0.0.1:2');
  assert.is(await tokens.expireFormed(), 1);
  assert.ok((await ttl()) <= 3600);
  assert.is((await kv.get(`${dir}/aaaa`)).node.value, 'm1=http://127.0.0.1:1', 'the registrations stay until the TTL runs out');
  assert.is(await tokens.expireFormed(), 0, 'shortened once');
});

test.run();
