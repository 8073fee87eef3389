import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import raftKv from '../../../plugins/raft-kv/index.js';
import { flotilla } from '../../support/cli.js';
import { curl } from '../../support/curl.js';
import { background, etcdBinariesMissing, etcdctl, startEtcd, watchersAtLeast, type Ran, type RealEtcd } from '../../support/etcd.js';
import { freePorts } from '../../support/ports.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

// The same etcdctl (API v2) commands against a real etcd 3.4 and against a Flotilla node: the
// outputs and exit codes match once what legitimately differs (indexes, ids, URLs, TTL
// countdown) is normalized.

const compat = suite('raft-kv: etcdctl v2 against etcd 3.4 and Flotilla');

const missing = etcdBinariesMissing();
const skip = missing.length > 0 && process.env.CI !== 'true';

interface Server {
  label: string;
  url: string;
  memberIds: string[];
}

let node: TestNode | undefined;
let etcd: RealEtcd | undefined;
let real: Server;
let ours: Server;

async function membersOf(url: string): Promise<string[]> {
  const body = (await fetch(`${url}/v2/members`).then((r) => r.json())) as { members: { id: string }[] };
  return body.members.map((m) => m.id);
}

compat.before(async () => {
  if (skip) return;
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} not found: run test/provision (it installs Debian's etcd-client and etcd-server)`);
  }
  const [peerPort] = await freePorts(1);
  node = await startTestNode({ catalog: [raftKv], config: { node: { name: 'default' }, plugins: { 'raft-kv': { peerPort, tick: '20ms' } } } });
  for (let i = 0; i < 200 && (await curl(`${node.url}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
  etcd = await startEtcd();
  real = { label: 'etcd', url: etcd.url, memberIds: await membersOf(etcd.url) };
  ours = { label: 'flotilla', url: node.url, memberIds: await membersOf(node.url) };
});

compat.after(async () => {
  await etcd?.stop();
  await node?.stop();
});

function normalize(text: string, server: Server): string {
  let out = text;
  for (const id of server.memberIds) out = out.replaceAll(id, '<member-id>');
  return out
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<url>')
    .replace(/\d{20}/g, '<in-order>')
    .replace(/"(createdIndex|modifiedIndex|index)":\d+/g, '"$1":<n>')
    .replace(/"ttl":\d+/g, '"ttl":<ttl>')
    .replace(/"expiration":"[^"]+"/g, '"expiration":"<time>"')
    .replace(/\[(\S+) != \d+\]/g, '[$1 != <n>]')
    .replace(/\[\d+\]/g, '[<n>]')
    .replace(/^(Created-Index|Modified-Index|Index): \d+$/gm, '$1: <n>')
    .replace(/^TTL: \d+$/gm, 'TTL: <ttl>')
    .replace(/INDEX=\d+/g, 'INDEX=<n>');
}

interface Step {
  args: string[];
  /** etcd lists in Go map order: compare the lines sorted. */
  unordered?: boolean;
}

const STEPS: Step[] = [
  { args: ['set', '/ctl/a', 'hello'] },
  { args: ['get', '/ctl/a'] },
  { args: ['get', '/ctl/missing'] },
  { args: ['mk', '/ctl/b', 'v'] },
  { args: ['mk', '/ctl/b', 'v'] },
  { args: ['mk', '--in-order', '/ctl/q', 'job1'] },
  { args: ['mkdir', '/ctl/d'] },
  { args: ['mkdir', '/ctl/d'] },
  { args: ['get', '/ctl/d'] },
  { args: ['setdir', '/ctl/d2'] },
  { args: ['setdir', '/ctl/d2'] },
  { args: ['updatedir', '--ttl', '60', '/ctl/d2'] },
  { args: ['update', '/ctl/a', 'newval'] },
  { args: ['update', '/ctl/zz', 'x'] },
  { args: ['set', '--ttl', '30', '/ctl/t', 'v'] },
  { args: ['set', '--swap-with-value', 'newval', '/ctl/a', 'v3'] },
  { args: ['set', '--swap-with-value', 'WRONG', '/ctl/a', 'v4'] },
  { args: ['set', '--swap-with-index', '1', '/ctl/a', 'v4'] },
  { args: ['ls', '/ctl'], unordered: true },
  { args: ['ls', '--recursive', '--sort', '-p', '/ctl'] },
  { args: ['ls', '--sort', '/ctl/a'] },
  { args: ['-o', 'json', 'get', '/ctl/a'] },
  { args: ['-o', 'json', 'get', '/ctl/t'] },
  { args: ['-o', 'extended', 'get', '/ctl/a'] },
  { args: ['-o', 'extended', 'get', '/ctl/t'] },
  { args: ['-o', 'json', 'get', '/ctl/missing'] },
  { args: ['-o', 'extended', 'set', '/ctl/a', 'v3'] },
  { args: ['rm', '/ctl/b'] },
  { args: ['rm', '/ctl/b'] },
  { args: ['rm', '--with-value', 'WRONG', '/ctl/a'] },
  { args: ['rm', '/ctl/d'] },
  { args: ['rm', '--dir', '/ctl/d'] },
  { args: ['rmdir', '/ctl/d2'] },
  { args: ['rmdir', '/ctl/q'] },
  { args: ['rm', '--recursive', '/ctl/q'] },
  { args: ['mk', '/ctl/c', 'cv'] },
  { args: ['rm', '--with-value', 'cv', '/ctl/c'] },
  { args: ['set', '/ctl/a/under', 'x'] },
  { args: ['set', '/', 'x'] },
  { args: ['member', 'list'] },
  { args: ['cluster-health'] },
];

function shown(step: string, run: Ran, server: Server, unordered = false) {
  const lines = (text: string) => {
    const normalized = normalize(text, server);
    return unordered ? normalized.split('\n').sort().join('\n') : normalized;
  };
  return { step, code: run.code, stdout: lines(run.stdout), stderr: lines(run.stderr) };
}

compat('each etcdctl command prints the same and exits the same on both', async () => {
  if (skip) return console.log(`  skipped: ${missing.join(', ')} missing (test/provision installs them)`);
  for (const step of STEPS) {
    const name = `etcdctl ${step.args.join(' ')}`;
    const expected = shown(name, await etcdctl(real.url, step.args), real, step.unordered);
    const actual = shown(name, await etcdctl(ours.url, step.args), ours, step.unordered);
    assert.equal(actual, expected, name);
  }
});

/** Starts a watching command on a server, makes the writes once it waits, and returns its output. */
async function watched(server: Server, command: string[], writes: string[][], lines: number): Promise<string> {
  const before = ((await fetch(`${server.url}/v2/stats/store`).then((r) => r.json())) as { watchers: number }).watchers;
  const watch = background('etcdctl', ['--endpoints', server.url, ...command], { ETCDCTL_API: '2' });
  try {
    await watchersAtLeast(server.url, before + 1);
    for (const write of writes) assert.is((await etcdctl(server.url, write)).code, 0);
    return normalize((await watch.lines(lines)).join('\n'), server);
  } finally {
    await watch.stop();
  }
}

compat('watch, watch --forever --recursive, --after-index and exec-watch see the same changes', async () => {
  if (skip) return;
  for (const [command, writes, lines] of [
    [['watch', '/ctl/w'], [['set', '/ctl/w', '1']], 1],
    [['watch', '--forever', '--recursive', '/ctl/r'], [['set', '/ctl/r/x', '1'], ['set', '/ctl/r/y', '2'], ['rm', '/ctl/r/x']], 6],
    [
      ['exec-watch', '--recursive', '/ctl/e', '--', 'sh', '-c', 'echo "$ETCD_WATCH_ACTION $ETCD_WATCH_KEY [$ETCD_WATCH_VALUE] INDEX=$ETCD_WATCH_MODIFIED_INDEX"'],
      [['set', '/ctl/e/k', 'v']],
      1,
    ],
  ] as [string[], string[][], number][]) {
    const expected = await watched(real, command, writes, lines);
    const actual = await watched(ours, command, writes, lines);
    assert.is(actual, expected, `etcdctl ${command.join(' ')}`);
  }
  for (const server of [real, ours]) {
    const set = await curl(`${server.url}/v2/keys/ctl/after`, ['-X', 'PUT', '--data', 'value=1']);
    await curl(`${server.url}/v2/keys/ctl/after`, ['-X', 'PUT', '--data', 'value=2']);
    const after = await etcdctl(server.url, ['watch', '--after-index', String(set.json().node.modifiedIndex), '/ctl/after']);
    assert.equal([after.code, after.stdout], [0, '2\n'], `${server.label}: watch --after-index`);
  }
});

const BAD_REQUESTS: [string, string, string[]][] = [
  ['ttl not a number', '/v2/keys/bad/ttl', ['-X', 'PUT', '--data', 'value=v&ttl=abc']],
  ['negative ttl', '/v2/keys/bad/ttl', ['-X', 'PUT', '--data', 'value=v&ttl=-1']],
  ['prevIndex not a number', '/v2/keys/bad/pi?prevIndex=x', ['-X', 'PUT', '--data', 'value=v']],
  ['waitIndex not a number', '/v2/keys/bad/wi?wait=true&waitIndex=x', []],
  ['empty prevIndex', '/v2/keys/bad/pi?prevIndex=', ['-X', 'PUT', '--data', 'value=v']],
  ['bad boolean', '/v2/keys/bad/b?recursive=maybe', []],
  ['bad dir', '/v2/keys/bad/b?dir=maybe', ['-X', 'PUT']],
  ['bad prevExist', '/v2/keys/bad/b?prevExist=maybe', ['-X', 'PUT', '--data', 'value=v']],
  ['bad refresh', '/v2/keys/bad/b?refresh=maybe', ['-X', 'PUT', '--data', 'ttl=5']],
  ['bad noValueOnSuccess', '/v2/keys/bad/b?noValueOnSuccess=maybe', ['-X', 'PUT', '--data', 'value=v']],
  ['wait on a PUT', '/v2/keys/bad/w?wait=true', ['-X', 'PUT', '--data', 'value=v']],
  ['empty prevValue', '/v2/keys/bad/pv?prevValue=', ['-X', 'PUT', '--data', 'value=v']],
  ['refresh without ttl', '/v2/keys/bad/r?refresh=true', ['-X', 'PUT']],
  ['refresh with a value', '/v2/keys/bad/r?refresh=true&ttl=5', ['-X', 'PUT', '--data', 'value=v']],
  ['write to the root', '/v2/keys/', ['-X', 'PUT', '--data', 'value=v']],
  ['delete the root', '/v2/keys/', ['-X', 'DELETE']],
  ['missing key', '/v2/keys/bad/none', []],
  ['delete a missing key', '/v2/keys/bad/none', ['-X', 'DELETE']],
  ['update a missing key', '/v2/keys/bad/none?prevExist=true', ['-X', 'PUT', '--data', 'value=v']],
  ['method not allowed', '/v2/keys/bad', ['-X', 'PATCH']],
  ['unknown member', '/v2/members/123456789abcdef', ['-X', 'DELETE']],
  ['member add without JSON', '/v2/members', ['-X', 'POST', '--data', 'peerURLs=http://127.0.0.1:1']],
];

compat('bad requests answer the same status, content type and error body on both', async () => {
  if (skip) return;
  for (const [what, path, args] of BAD_REQUESTS) {
    const answers = [];
    for (const server of [real, ours]) {
      const answer = await curl(`${server.url}${path}`, args);
      answers.push({
        what,
        status: answer.status,
        type: (answer.headers['content-type'] ?? '').split(';')[0],
        body: normalize(answer.body, server),
        index: answer.headers['x-etcd-index'] === undefined ? undefined : answer.headers['x-etcd-index'] === '0' ? '0' : '<n>',
      });
    }
    assert.equal(answers[1], answers[0], what);
  }
});

// The same commands through `flotilla kv`/`member` against Flotilla print what etcdctl prints against etcd.
const AS_FLOTILLA: Step[] = STEPS.filter((step) => !['cluster-health', 'setdir'].includes(step.args[0]!) && step.args.join(' ') !== 'set / x');

function flotillaArgs(args: string[]): string[] {
  const output = args[0] === '-o' ? args.slice(0, 2) : [];
  const rest = args.slice(output.length);
  return rest[0] === 'member' ? rest : ['kv', ...rest, ...output];
}

compat('flotilla kv and member against Flotilla print what etcdctl prints against etcd', async () => {
  if (skip) return;
  await etcdctl(real.url, ['rm', '--recursive', '/ctl']);
  await etcdctl(ours.url, ['rm', '--recursive', '/ctl']);
  for (const step of AS_FLOTILLA) {
    const name = step.args.join(' ');
    const expected = shown(name, await etcdctl(real.url, step.args), real, step.unordered);
    const run = await flotilla([...flotillaArgs(step.args), '--endpoint', ours.url]);
    const code = run.error ? (run.error.oclif?.exit ?? 1) : 0;
    const actual = shown(name, { stdout: run.stdout, stderr: run.stderr, code }, ours, step.unordered);
    assert.equal(actual, expected, `flotilla ${flotillaArgs(step.args).join(' ')}`);
  }
});

compat.run();
