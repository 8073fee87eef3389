import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, type KvResult } from '../../../core/index.js';
import { FleetRegistry } from '../../../plugins/fleet-scheduler/registry/fleet-registry.js';
import raftKv from '../../../plugins/raft-kv/index.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const test = suite<{ node: TestNode }>('fleet-scheduler: the registry');

test.before(async (ctx) => {
  ctx.node = await startTestNode({ catalog: [raftKv], config: { plugins: { 'raft-kv': { peerPort: 0 } } } });
});

test.after(async ({ node }) => {
  await node?.stop();
});

const machine = (apiUrl: string) => ({ id: 'a'.repeat(32), name: 'm1', publicIp: '127.0.0.1', apiUrl, metadata: {}, version: 'test' });

test('an unchanged heartbeat only renews the TTL: watchers of the machine list hear of changes, not of every beat', async ({ node }) => {
  const kv = node.kernel.container.resolve(CORE.KvStore);
  const registry = new FleetRegistry(kv, '/_test/fleet');
  const seen: KvResult[] = [];
  const watch = kv.watch(registry.keys.machines, { recursive: true });
  const reading = (async () => {
    for await (const event of watch) seen.push(event);
  })();
  await registry.heartbeat(machine('http://127.0.0.1:1'), 5);
  await registry.heartbeat(machine('http://127.0.0.1:1'), 5);
  await registry.heartbeat(machine('http://127.0.0.1:1'), 5);
  await registry.heartbeat(machine('http://127.0.0.1:2'), 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  watch.close();
  await reading;
  assert.equal(seen.map((e) => e.action), ['set', 'set']);
  const stored = JSON.parse((await kv.get(registry.keys.machine('a'.repeat(32)))).node.value!);
  assert.is(stored.apiUrl, 'http://127.0.0.1:2');
  assert.ok((await kv.get(registry.keys.machine('a'.repeat(32)))).node.ttl! <= 5);

  await registry.removeMachine('a'.repeat(32));
  await registry.heartbeat(machine('http://127.0.0.1:2'), 5);
  assert.is(JSON.parse((await kv.get(registry.keys.machine('a'.repeat(32)))).node.value!).apiUrl, 'http://127.0.0.1:2', 'written again after it was removed');
});

test('unit files no unit uses are swept; one in use, or written during the sweep, is kept', async ({ node }) => {
  const kv = node.kernel.container.resolve(CORE.KvStore);
  const registry = new FleetRegistry(kv, '/_test/sweep');
  const options = (text: string) => [{ section: 'Service', name: 'ExecStart', value: text }];
  const a = await registry.putUnit('a.service', options('/bin/true a'), 'inactive');
  const shared = await registry.putUnit('b.service', options('/bin/true b'), 'inactive');
  await registry.putUnit('c.service', options('/bin/true b'), 'inactive');
  assert.is(shared.hash, (await registry.job('c.service'))!.hash);
  await registry.destroyUnit('a.service');
  await registry.destroyUnit('b.service');
  assert.is(await registry.collectUnusedContent(), 1);
  await assertMissing(() => kv.get(registry.keys.unitContent(a.hash)));
  assert.ok(await registry.unitOptions(shared.hash), 'still used by c.service');

  // A submit racing the sweep: its file is rewritten after its job, which defeats the compare-and-delete.
  const realJobs = registry.jobs.bind(registry);
  let racing: Promise<unknown> | undefined;
  registry.jobs = async () => {
    const jobs = await realJobs();
    racing ??= registry.putUnit('d.service', options('/bin/true d'), 'inactive');
    await racing;
    return jobs;
  };
  await registry.putUnit('d-seed.service', options('/bin/true d'), 'inactive');
  await registry.destroyUnit('d-seed.service');
  await registry.collectUnusedContent();
  registry.jobs = realJobs;
  const d = (await registry.job('d.service'))!;
  assert.ok((await kv.get(registry.keys.unitContent(d.hash))).node.value, 'the racing submit keeps its unit file');
});

async function assertMissing(read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    assert.is((error as { errorCode?: number }).errorCode, 100);
    return;
  }
  assert.unreachable('expected the key to be gone');
}

test.run();
