import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import raftKv from '../../../plugins/raft-kv/index.js';
import { flotilla, spawnCli } from '../../support/cli.js';
import { curl } from '../../support/curl.js';
import { watchersAtLeast } from '../../support/etcd.js';
import { freePorts } from '../../support/ports.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const kv = suite('raft-kv: flotilla kv and member commands');

let node: TestNode;

kv.before(async () => {
  const [peerPort] = await freePorts(1);
  node = await startTestNode({ catalog: [raftKv], config: { node: { name: 'cli' }, plugins: { 'raft-kv': { peerPort, tick: '20ms' } } } });
  for (let i = 0; i < 200 && (await curl(`${node.url}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
});

kv.after(async () => {
  await node?.stop();
});

const run = (...args: string[]) => flotilla([...args, '--endpoint', node.url]);
const exitOf = (result: { error?: { oclif?: { exit?: number } } }) => (result.error ? (result.error.oclif?.exit ?? 1) : 0);

kv('set, get, ls, rm print what etcdctl prints; --json is the body etcd answers', async () => {
  assert.is((await run('kv', 'set', '/app/name', 'web')).stdout, 'web\n');
  assert.is((await run('kv', 'mk', '/app/port', '80', '--ttl', '60')).stdout, '80\n');
  assert.is((await run('kv', 'get', '/app/name')).stdout, 'web\n');
  const listed = await run('kv', 'ls', '/app', '--sort');
  assert.is(listed.stdout, '/app/name\n/app/port\n');
  const extended = (await run('kv', 'get', '-o', 'extended', '/app/port')).stdout.split('\n');
  assert.is(extended[0], 'Key: /app/port');
  assert.match(extended[3]!, /^TTL: (59|60)$/);
  assert.is(extended.at(-2), '80');
  const json = JSON.parse((await run('kv', 'get', '--json', '/app/name')).stdout);
  assert.is(json.action, 'get');
  assert.is(json.node.value, 'web');
  const dir = await run('kv', 'get', '/app');
  assert.is(dir.stderr, '/app: is a directory\n');
  assert.is(exitOf(dir), 1);
  assert.is((await run('kv', 'rm', '/app/name')).stdout, 'PrevNode.Value: web\n');
  assert.is((await run('kv', 'rm', '--recursive', '/app')).stdout, '');
});

kv('an error answer prints as etcdctl prints it and exits 4', async () => {
  const missing = await run('kv', 'get', '/nothing/here');
  assert.match(missing.stderr, /^Error: {2}100: Key not found \(\/nothing\) \[\d+\]\n$/);
  assert.is(exitOf(missing), 4);
  await run('kv', 'set', '/cas', 'one');
  const swap = await run('kv', 'set', '/cas', 'two', '--swap-with-value', 'zero');
  assert.match(swap.stderr, /^Error: {2}101: Compare failed \(\[zero != one\]\) \[\d+\]/);
  assert.is(exitOf(swap), 4);
  const json = await run('kv', 'update', '/nothing', 'x', '--json');
  assert.equal({ ...JSON.parse(json.stderr), index: 0 }, { errorCode: 100, message: 'Key not found', cause: '/nothing', index: 0 });
  assert.is(exitOf(json), 4);
  const closed = await flotilla(['kv', 'get', '/x', '--endpoint', 'http://127.0.0.1:1']);
  assert.match(closed.stderr, /^Error: {2}cannot reach a node at http:\/\/127\.0\.0\.1:1: connection refused/);
  assert.is(exitOf(closed), 4);
});

kv('member list, add --learner and remove', async () => {
  const list = await run('member', 'list');
  const [self] = ((await fetch(`${node.url}/v2/members`).then((r) => r.json())) as { members: { id: string; peerURLs: string[] }[] }).members;
  assert.is(list.stdout, `${self.id}: name=cli peerURLs=${self.peerURLs[0]} clientURLs=${node.url} isLeader=true\n`);
  const [spare] = await freePorts(1);
  const added = await run('member', 'add', 'spare', `http://127.0.0.1:${spare}`, '--learner');
  const id = /with ID (\S+) to cluster/.exec(added.stdout)?.[1];
  assert.ok(id, added.stdout + added.stderr);
  const cluster = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(added.stdout)?.[1]?.split(',').sort();
  assert.equal(cluster, [`cli=${self.peerURLs[0]}`, `spare=http://127.0.0.1:${spare}`]);
  assert.match(added.stdout, /\nETCD_NAME="spare"\n/);
  assert.match((await run('member', 'list')).stdout, new RegExp(`${id}\\[unstarted\\]: peerURLs=http://127.0.0.1:${spare}`));
  const notLearner = await run('member', 'promote', self.id);
  assert.is(notLearner.stderr, 'member is not a learner\n');
  assert.is(exitOf(notLearner), 1);
  assert.is((await run('member', 'remove', id!)).stdout, `Removed member ${id} from cluster\n`);
  const again = await run('member', 'remove', id!);
  assert.is(again.stderr, `Couldn't find a member in the cluster with an ID of ${id}.\n`);
  assert.equal((await run('member', 'list', '--json')).stdout.includes(id!), false);
});

kv('exec-watch runs the command on each change with the ETCD_WATCH_* environment', async () => {
  const dir = tempDir();
  const out = path.join(dir.path, 'changes');
  const before = ((await fetch(`${node.url}/v2/stats/store`).then((r) => r.json())) as { watchers: number }).watchers;
  const script = `echo "$ETCD_WATCH_ACTION $ETCD_WATCH_KEY $ETCD_WATCH_VALUE $ETCD_WATCH_MODIFIED_INDEX" >> ${out}`;
  const watch = spawnCli(['kv', 'exec-watch', '-r', '/ew', '--endpoint', node.url, '--', 'sh', '-c', script]);
  try {
    await watchersAtLeast(node.url, before + 1, 30_000);
    const set = (await curl(`${node.url}/v2/keys/ew/a`, ['-X', 'PUT', '--data', 'value=one two'])).json();
    for (let i = 0; i < 200; i++) {
      if ((await import('node:fs')).existsSync(out)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.is(readFileSync(out, 'utf8'), `set /ew/a one two ${set.node.modifiedIndex}\n`);
  } finally {
    watch.child.kill('SIGTERM');
    await watch.exited;
    dir.cleanup();
  }
});

kv('two kv lock processes never run their commands at the same time; tokens grow', async () => {
  const dir = tempDir();
  const log = path.join(dir.path, 'log');
  const script = `echo "start $1 $FLOTILLA_LOCK_INDEX" >> ${log}; sleep 0.4; echo "end $1" >> ${log}`;
  const holders = ['a', 'b', 'c'].map((who) => spawnCli(['kv', 'lock', 'cli-test', '--ttl', '5', '--endpoint', node.url, '--', 'sh', '-c', script, 'sh', who]));
  try {
    const exits = await Promise.all(holders.map((h) => h.exited));
    assert.equal(exits.map((e) => e.code), [0, 0, 0], holders.map((h) => h.stderr()).join('\n'));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.is(lines.length, 6);
    const tokens: number[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const [, who, token] = /^start (\w) (\d+)$/.exec(lines[i]!) ?? [];
      assert.ok(who, lines.join('\n'));
      assert.is(lines[i + 1], `end ${who}`, lines.join('\n'));
      tokens.push(Number(token));
    }
    assert.equal([...tokens].sort((x, y) => x - y), tokens, 'fencing tokens grow with each holder');
    const left = await curl(`${node.url}/v2/keys/_flotilla/locks/cli-test`);
    assert.is(left.json().node.nodes, undefined, 'every lock key is removed');
  } finally {
    for (const h of holders) h.child.kill('SIGKILL');
    dir.cleanup();
  }
});

kv('kv lock exits with the command\'s code', async () => {
  const failing = spawnCli(['kv', 'lock', 'code-test', '--endpoint', node.url, '--', 'sh', '-c', 'exit 7']);
  assert.is((await failing.exited).code, 7, failing.stderr());
});

kv.run();
