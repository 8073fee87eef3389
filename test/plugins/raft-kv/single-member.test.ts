import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import raftKv from '../../../plugins/raft-kv/index.js';
import { curl } from '../../support/curl.js';
import { freePorts } from '../../support/ports.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const single = suite('raft-kv: a single member over the v2 API');

let node: TestNode;

single.before(async () => {
  const [peerPort] = await freePorts(1);
  node = await startTestNode({
    catalog: [raftKv],
    config: { node: { name: 'solo' }, plugins: { 'raft-kv': { peerPort, tick: '20ms' } } },
  });
  for (let i = 0; i < 200; i++) {
    if ((await curl(`${node.url}/health`)).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

single.after(async () => {
  await node?.stop();
});

const keys = (path: string) => `${node.url}/v2/keys${path}`;

single('set, get, update and delete a key with etcd responses', async () => {
  const set = await curl(keys('/message'), ['-X', 'PUT', '--data', 'value=Hello world']);
  assert.is(set.status, 201);
  const created = set.json();
  assert.is(created.action, 'set');
  assert.is(created.node.key, '/message');
  assert.is(created.node.value, 'Hello world');
  assert.is(created.node.modifiedIndex, created.node.createdIndex);
  assert.is(set.headers['x-etcd-index'], String(created.node.modifiedIndex));
  assert.ok(Number(set.headers['x-raft-index']) > 0);
  assert.ok(Number(set.headers['x-raft-term']) >= 1);
  assert.match(set.headers['x-etcd-cluster-id']!, /^[0-9a-f]+$/);

  const get = await curl(keys('/message'));
  assert.is(get.status, 200);
  assert.equal(get.json(), { action: 'get', node: { key: '/message', value: 'Hello world', modifiedIndex: created.node.modifiedIndex, createdIndex: created.node.createdIndex } });

  const again = await curl(keys('/message'), ['-X', 'PUT', '--data', 'value=again']);
  assert.is(again.status, 200);
  assert.is(again.json().prevNode.value, 'Hello world');

  const removed = await curl(keys('/message'), ['-X', 'DELETE']);
  assert.is(removed.status, 200);
  assert.is(removed.json().action, 'delete');
  const missing = await curl(keys('/message'));
  assert.is(missing.status, 404);
  assert.equal(Object.keys(missing.json()), ['errorCode', 'message', 'cause', 'index']);
  assert.is(missing.json().errorCode, 100);
  assert.is(missing.json().cause, '/message');
});

single('compare-and-swap and create-only follow etcd status codes', async () => {
  await curl(keys('/cas'), ['-X', 'PUT', '--data', 'value=one']);
  const wrong = await curl(keys('/cas?prevValue=two'), ['-X', 'PUT', '--data', 'value=three']);
  assert.is(wrong.status, 412);
  assert.is(wrong.json().errorCode, 101);
  assert.is(wrong.json().cause, '[two != one]');
  const right = await curl(keys('/cas?prevValue=one'), ['-X', 'PUT', '--data', 'value=three']);
  assert.is(right.status, 200);
  assert.is(right.json().action, 'compareAndSwap');
  const exists = await curl(keys('/cas?prevExist=false'), ['-X', 'PUT', '--data', 'value=x']);
  assert.is(exists.status, 412);
  assert.is(exists.json().errorCode, 105);
});

single('a watch sees the next change; waitIndex replays history', async () => {
  const first = (await curl(keys('/watched'), ['-X', 'PUT', '--data', 'value=1'])).json();
  const waiting = curl(keys('/watched?wait=true'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await curl(keys('/watched'), ['-X', 'PUT', '--data', 'value=2']);
  const event = (await waiting).json();
  assert.is(event.action, 'set');
  assert.is(event.node.value, '2');
  const replay = (await curl(keys(`/watched?wait=true&waitIndex=${first.node.modifiedIndex}`))).json();
  assert.is(replay.node.value, '1');
});

single('TTL keys expire through the log', async () => {
  const set = (await curl(keys('/ephemeral'), ['-X', 'PUT', '--data', 'value=x&ttl=1'])).json();
  assert.is(set.node.ttl, 1);
  const watch = curl(keys(`/ephemeral?wait=true&waitIndex=${set.node.modifiedIndex + 1}`));
  const expired = (await watch).json();
  assert.is(expired.action, 'expire');
  assert.is((await curl(keys('/ephemeral'))).status, 404);
});

single('bad parameters answer etcd errors, never 5xx', async () => {
  const badTtl = await curl(keys('/x?ttl=abc'), ['-X', 'PUT', '--data', 'value=1']);
  assert.is(badTtl.status, 400);
  assert.equal(badTtl.json(), { errorCode: 202, message: 'The given TTL in POST form is not a number', cause: 'invalid value for "ttl"', index: 0 });
  const badBool = await curl(keys('/x?recursive=maybe'));
  assert.is(badBool.json().errorCode, 209);
  const waitOnPut = await curl(keys('/x?wait=true'), ['-X', 'PUT']);
  assert.is(waitOnPut.json().errorCode, 209);
  const root = await curl(keys('/'), ['-X', 'PUT', '--data', 'value=1']);
  assert.is(root.json().errorCode, 107);
  const method = await curl(keys('/x'), ['-X', 'PATCH']);
  assert.is(method.status, 405);
  assert.is(method.headers.allow, 'HEAD,GET,PUT,POST,DELETE');
});

single('POST creates in-order keys, and in-order directories with dir=true', async () => {
  const job = (await curl(keys('/queue'), ['-X', 'POST', '--data', 'value=job1'])).json();
  assert.is(job.action, 'create');
  assert.match(job.node.key, /^\/queue\/\d{20}$/);
  assert.is(job.node.value, 'job1');
  const dir = await curl(keys('/queue?dir=true'), ['-X', 'POST']);
  assert.is(dir.status, 201);
  assert.is(dir.json().node.dir, true);
  assert.is(dir.json().node.value, undefined);
  const listing = (await curl(keys('/queue?sorted=true'))).json();
  assert.equal(listing.node.nodes.map((n: { key: string }) => n.key), [job.node.key, dir.json().node.key]);
});

single('/version carries the etcd API level next to Flotilla\'s own', async () => {
  const version = (await curl(`${node.url}/version`)).json();
  assert.is(version.etcdserver, '3.4.0');
  assert.is(version.etcdcluster, '3.4.0');
  assert.is(version.flotilla, '0.1.0');
});

single('members list this member with its client URL', async () => {
  const members = (await curl(`${node.url}/v2/members`)).json();
  assert.is(members.members.length, 1);
  assert.is(members.members[0].name, 'solo');
  assert.equal(members.members[0].clientURLs, [node.url]);
  const leader = (await curl(`${node.url}/v2/members/leader`)).json();
  assert.is(leader.id, members.members[0].id);
});

single.run();

const reuse = suite('raft-kv: a data dir belongs to one member');

reuse('a restart with a changed cluster token is refused with the reason', async () => {
  const [peerPort] = await freePorts(1);
  const first = await startTestNode({ catalog: [raftKv], config: { node: { name: 'keeper' }, plugins: { 'raft-kv': { peerPort, tick: '20ms' } } } });
  const dataDir = first.loaded.config.dataDir;
  await first.kernel.stop();
  const { loadTestNode } = await import('../../support/test-node.js');
  const again = await loadTestNode({ catalog: [raftKv], config: { dataDir, node: { name: 'keeper' }, plugins: { 'raft-kv': { peerPort, tick: '20ms', clusterToken: 'another' } } } });
  const error = await again.kernel.start().then(() => undefined, (e: Error) => e);
  again.cleanup();
  first.stop().catch(() => undefined);
  assert.match(error!.message, /plugin "raft-kv" failed to start: .* holds the log of member [0-9a-f]{16} of cluster [0-9a-f]{16}, but this configuration makes member [0-9a-f]{16}/);
});

reuse.run();

const damaged = suite('raft-kv: a damaged snapshot the log relies on');

damaged('stops the member with what to do, rather than rebuilding a state with a gap', async () => {
  const { readdirSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { loadTestNode } = await import('../../support/test-node.js');
  const [peerPort] = await freePorts(1);
  const settings = { peerPort, tick: '20ms', snapshotCount: 5, catchUpEntries: 0 };
  const first = await startTestNode({ catalog: [raftKv], config: { node: { name: 'snap' }, plugins: { 'raft-kv': settings } } });
  for (let i = 0; i < 200; i++) {
    if ((await curl(`${first.url}/health`)).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (let i = 0; i < 12; i++) await curl(`${first.url}/v2/keys/k${i}`, ['-X', 'PUT', '--data', `value=${i}`]);
  const dataDir = first.loaded.config.dataDir;
  await first.kernel.stop();
  const snapDir = path.join(dataDir, 'plugins', 'raft-kv', 'snap');
  const files = readdirSync(snapDir).filter((file) => file.endsWith('.snap'));
  assert.ok(files.length > 0, 'a snapshot was taken');
  for (const file of files) writeFileSync(path.join(snapDir, file), 'not a snapshot');
  const again = await loadTestNode({ catalog: [raftKv], config: { dataDir, node: { name: 'snap' }, plugins: { 'raft-kv': settings } } });
  const error = await again.kernel.start().then(() => undefined, (e: Error) => e);
  again.cleanup();
  await first.stop();
  assert.match(error!.message, /this member cannot rebuild its state\. Remove it from the cluster/);
});

damaged.run();
