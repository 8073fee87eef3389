import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import raftKv from '../../../plugins/raft-kv/index.js';
import { curl } from '../../support/curl.js';
import { freePorts } from '../../support/ports.js';
import { startInProcessCluster, type InProcessCluster } from '../../support/raft-cluster.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const membership = suite('raft-kv: a member added at run time joins, is promoted and removed');

let cluster: InProcessCluster;
let joiner: TestNode | undefined;

membership.before(async () => {
  cluster = await startInProcessCluster(3);
});

membership.after(async () => {
  await joiner?.stop();
  await cluster?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

membership('learner, then voter, then removed', async () => {
  const leader = await cluster.leaderUrl();
  await curl(`${leader}/v2/keys/before-join`, ['-X', 'PUT', '--data', 'value=old']);

  const [peerPort] = await freePorts(1);
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const added = await curl(`${leader}/v2/members`, ['-H', 'Content-Type: application/json', '--data', JSON.stringify({ peerURLs: [peerUrl], isLearner: true })]);
  assert.is(added.status, 201, added.body);
  const id = added.json().id as string;
  assert.is(added.json().isLearner, true);

  const members = (await curl(`${leader}/v2/members`)).json().members as { name: string; peerURLs: string[] }[];
  const running = members.filter((m) => m.name !== '');
  const initialCluster = Object.fromEntries([...running.map((m) => [m.name, m.peerURLs[0]]), ['m4', peerUrl]]);
  joiner = await startTestNode({
    catalog: [raftKv],
    config: { node: { name: 'm4' }, plugins: { 'raft-kv': { peerPort, initialCluster, initialClusterState: 'existing', tick: '20ms' } } },
  });

  const local = await until('the learner to catch up', async () => {
    const got = await curl(`${joiner!.url}/v2/keys/before-join?serializable=true`);
    return got.status === 200 ? got.json().node.value : undefined;
  });
  assert.is(local, 'old');
  const self = (await curl(`${joiner.url}/v2/stats/self`)).json();
  assert.is(self.id, id);

  const promoted = await curl(`${leader}/v2/members/${id}/promote`, ['-X', 'POST']);
  assert.is(promoted.status, 200, promoted.body);
  assert.is(promoted.json().isLearner, undefined);
  const named = await until('the new member to publish its name', async () => {
    const list = (await curl(`${leader}/v2/members`)).json().members as { id: string; name: string; clientURLs: string[] }[];
    const m4 = list.find((m) => m.id === id);
    return m4?.name === 'm4' && m4.clientURLs[0] === joiner!.url ? list : undefined;
  });
  assert.is(named.length, 4);

  const written = await curl(`${joiner.url}/v2/keys/after-join`, ['-X', 'PUT', '--data', 'value=new']);
  assert.is(written.status, 201, written.body);
  assert.is((await curl(`${leader}/v2/keys/after-join`)).json().node.value, 'new');

  const removed = await curl(`${leader}/v2/members/${id}`, ['-X', 'DELETE']);
  assert.is(removed.status, 204, removed.body);
  const after = (await curl(`${leader}/v2/members`)).json().members as { id: string }[];
  assert.equal(after.map((m) => m.id).includes(id), false);
  assert.is((await curl(`${leader}/v2/members/${id}`, ['-X', 'DELETE'])).status, 410);
  const still = await curl(`${leader}/v2/keys/after-remove`, ['-X', 'PUT', '--data', 'value=ok']);
  assert.is(still.status, 201, still.body);
});

membership.run();
