import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { curl } from '../../support/curl.js';
import { startInProcessCluster, type InProcessCluster } from '../../support/raft-cluster.js';

const cluster3 = suite('raft-kv: three members in one process');

let cluster: InProcessCluster;

cluster3.before(async () => {
  cluster = await startInProcessCluster(3);
});

cluster3.after(async () => {
  await cluster?.stop();
});

cluster3('elects one leader that every member agrees on, and lists three members', async () => {
  const leader = await cluster.leaderUrl();
  for (const node of cluster.nodes) {
    const seen = (await curl(`${node!.url}/v2/members/leader`)).json();
    assert.is(seen.clientURLs[0], leader);
    const members = (await curl(`${node!.url}/v2/members`)).json().members as { name: string }[];
    assert.equal(members.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
  }
});

cluster3('a write through a follower is replicated and readable on every member', async () => {
  const leader = await cluster.leaderUrl();
  const follower = cluster.nodes.find((node) => node!.url !== leader)!;
  const set = await curl(`${follower.url}/v2/keys/replicated`, ['-X', 'PUT', '--data', 'value=everywhere']);
  assert.is(set.status, 201, set.body);
  for (const node of cluster.nodes) {
    const got = await curl(`${node!.url}/v2/keys/replicated`);
    assert.is(got.json().node.value, 'everywhere');
  }
});

cluster3('a stopped leader hands over; the survivors keep serving writes and reads', async () => {
  const leader = await cluster.leaderUrl();
  const index = cluster.nodes.findIndex((node) => node!.url === leader);
  await cluster.stopNode(index);
  const next = await cluster.leaderUrl();
  assert.is.not(next, leader);
  const set = await curl(`${next}/v2/keys/after-failover`, ['-X', 'PUT', '--data', 'value=ok']);
  assert.is(set.status, 201, set.body);
  for (const node of cluster.nodes) {
    if (!node) continue;
    assert.is((await curl(`${node.url}/v2/keys/after-failover`)).json().node.value, 'ok');
  }
});

cluster3.run();
