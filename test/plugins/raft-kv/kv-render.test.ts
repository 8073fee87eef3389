import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { splitCommandWords } from '../../../plugins/raft-kv/commands/command-words.js';
import { compileTemplate, renderData } from '../../../plugins/raft-kv/commands/render-template.js';
import raftKv from '../../../plugins/raft-kv/index.js';
import { flotilla, spawnCli, type RunningCli } from '../../support/cli.js';
import { curl } from '../../support/curl.js';
import { eventually } from '../../support/fleet-nodes.js';
import { freePorts } from '../../support/ports.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const render = suite('raft-kv: flotilla kv render');

// A short watch history, so that a watch from an old index is refused with 401.
const HISTORY = 8;

let node: TestNode;
let dir: { path: string; cleanup(): void };

render.before(async () => {
  const [peerPort] = await freePorts(1);
  node = await startTestNode({
    catalog: [raftKv],
    config: { node: { name: 'render' }, plugins: { 'raft-kv': { peerPort, tick: '20ms', historySize: HISTORY } } },
  });
  for (let i = 0; i < 200 && (await curl(`${node.url}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
  dir = tempDir('flotilla-render-');
});

render.after(async () => {
  await node?.stop();
  dir?.cleanup();
});

const file = (name: string) => path.join(dir.path, name);
const exitOf = (result: { error?: { oclif?: { exit?: number } } }) => (result.error ? (result.error.oclif?.exit ?? 1) : 0);
/** `flotilla ARGS` as its own process, to its end (in-process runs re-split arguments at spaces). */
const runCli = async (args: string[]) => {
  const cli = spawnCli(args);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
};
const put = async (key: string, value: string, ttl?: number) => {
  const args = ['-X', 'PUT', '--data-urlencode', `value=${value}`, ...(ttl ? ['--data', `ttl=${ttl}`] : [])];
  const answer = await curl(`${node.url}/v2/keys${key}`, args);
  assert.ok(answer.status < 300, answer.body);
};
const del = (key: string) => curl(`${node.url}/v2/keys${key}?recursive=true`, ['-X', 'DELETE']);
const lines = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').split('\n').filter(Boolean) : []);
const leftovers = () => readdirSync(dir.path).filter((name) => name.endsWith('.tmp'));

const UPSTREAMS = [
  'upstream app {',
  '{{#each keys}}',
  '    server {{value}};  # {{name}}',
  '{{else}}',
  '    server 127.0.0.1:9 down;',
  '{{/each}}',
  '}',
  '',
].join('\n');

/** What UPSTREAMS renders for servers given as `name=address`, in key order. */
const upstreams = (...servers: string[]) => {
  const lines = servers.map((server) => {
    const [name, address] = server.split('=');
    return `    server ${address};  # ${name}\n`;
  });
  return `upstream app {\n${lines.length === 0 ? '    server 127.0.0.1:9 down;\n' : lines.join('')}}\n`;
};

render('splits --reload and --check into words as a shell would, without running one', () => {
  assert.equal(splitCommandWords('nginx -s reload'), ['nginx', '-s', 'reload']);
  assert.equal(splitCommandWords(`  sh -c 'echo "$X" >> f; true'  `), ['sh', '-c', 'echo "$X" >> f; true']);
  assert.equal(splitCommandWords('a "b \\"c\\" \\\\ \\$d" e\\ f \'\''), ['a', 'b "c" \\ $d', 'e f', '']);
  assert.equal(splitCommandWords('cmd a|b ; c > d $HOME *'), ['cmd', 'a|b', ';', 'c', '>', 'd', '$HOME', '*']);
  assert.throws(() => splitCommandWords("sh -c 'unclosed"), /unclosed '/);
  assert.throws(() => splitCommandWords('sh "'), /unclosed "/);
});

render('renders the keys under the prefixes once: a sorted list, a nested map and helpers', async () => {
  await put('/once/app/2', '127.0.0.1:8002');
  await put('/once/app/1', '127.0.0.1:8001');
  await put('/once/app/web/10', '{"host":"10.0.0.1","port":80}');
  await put('/once/db/main', 'db:5432');
  writeFileSync(
    file('once.tmpl'),
    [
      '{{#each keys}}{{key}} {{name}} {{dir}} = {{value}}',
      '{{/each}}',
      'tree: {{tree.once.app.[1]}} {{lookup tree.once.db "main"}}',
      '{{#with (json tree.once.app.web.[10])}}json: {{host}}:{{port}}{{/with}}',
      '{{#each tree.once.app}}{{#if (eq @key "web")}}{{else}}{{@key}}={{this}} {{/if}}{{/each}}',
      '{{base "/a/b/c"}} {{#each (split "x,y" ",")}}[{{this}}]{{/each}} <&>',
      '',
    ].join('\n'),
  );
  const result = await flotilla(['kv', 'render', '--prefix', '/once/app/', '--prefix', 'once/db', '--prefix', '/nowhere', '--template', file('once.tmpl'), '--out', file('once.out'), '--endpoint', node.url]);
  assert.is(exitOf(result), 0, result.stderr);
  assert.is(
    readFileSync(file('once.out'), 'utf8'),
    [
      '/once/app/1 1 /once/app = 127.0.0.1:8001',
      '/once/app/2 2 /once/app = 127.0.0.1:8002',
      '/once/app/web/10 10 /once/app/web = {"host":"10.0.0.1","port":80}',
      '/once/db/main main /once/db = db:5432',
      'tree: 127.0.0.1:8001 db:5432',
      'json: 10.0.0.1:80',
      '1=127.0.0.1:8001 2=127.0.0.1:8002 ',
      'c [x][y] <&>',
      '',
    ].join('\n'),
  );
  assert.match(result.stderr, new RegExp(`rendered ${file('once.out')}: 4 keys at index \\d+`));
});

render('once: unchanged output is not rewritten and not reloaded; a change replaces the file, keeps its mode, then reloads', async () => {
  await put('/same/app/1', '127.0.0.1:8001');
  writeFileSync(file('same.tmpl'), UPSTREAMS);
  const log = file('same.log');
  const reload = `/bin/sh -c 'echo "reload $FLOTILLA_RENDER_FILE" >> ${log}'`;
  const run = (...extra: string[]) =>
    runCli(['kv', 'render', '--once', '--prefix', '/same/app', '--template', file('same.tmpl'), '--out', file('same.conf'), '--reload', reload, '--endpoint', node.url, ...extra]);
  const first = await run();
  assert.is(first.code, 0, first.stderr);
  assert.is(readFileSync(file('same.conf'), 'utf8'), 'upstream app {\n    server 127.0.0.1:8001;  # 1\n}\n');
  assert.equal(lines('same.log'), [`reload ${file('same.conf')}`]);
  chmodSync(file('same.conf'), 0o640);
  const before = statSync(file('same.conf'));

  const again = await run('--json');
  assert.is(again.code, 0, again.stderr);
  assert.is(JSON.parse(again.stdout).changed, false);
  const after = statSync(file('same.conf'));
  assert.is(after.ino, before.ino);
  assert.is(after.mtimeMs, before.mtimeMs);
  assert.is(lines('same.log').length, 1, 'no reload when nothing changed');

  await put('/same/app/2', '127.0.0.1:8002');
  const changed = await run('--json');
  assert.equal({ ...JSON.parse(changed.stdout), index: 0 }, { file: file('same.conf'), keys: 2, index: 0, changed: true });
  const replaced = statSync(file('same.conf'));
  assert.is.not(replaced.ino, before.ino, 'a new file was renamed over the old one');
  assert.is(replaced.mode & 0o777, 0o640);
  assert.match(readFileSync(file('same.conf'), 'utf8'), /8001;.*\n.*8002;/);
  assert.is(lines('same.log').length, 2);
  assert.equal(leftovers(), []);
});

render('a destination that is a symbolic link stays one; keys named like Object members are plain keys', async () => {
  await put('/odd/app/constructor', 'a');
  await put('/odd/app/toString', 'b');
  writeFileSync(file('odd.tmpl'), '{{#each keys}}{{name}}={{value}} {{/each}}{{#each tree.odd.app}}{{@key}}:{{this}} {{/each}}\n');
  writeFileSync(file('odd.target'), 'old\n');
  symlinkSync(file('odd.target'), file('odd.link'));
  const result = await flotilla(['kv', 'render', '--prefix', '/odd/app', '--template', file('odd.tmpl'), '--out', file('odd.link'), '--endpoint', node.url]);
  assert.is(exitOf(result), 0, result.stderr);
  assert.ok(lstatSync(file('odd.link')).isSymbolicLink());
  assert.is(readFileSync(file('odd.target'), 'utf8'), 'constructor=a toString=b constructor:a toString:b \n');
  const data = renderData([{ key: '/x', dir: true, nodes: [{ key: '/x/__proto__', value: 'p' }] }]);
  assert.equal(data.keys, [{ key: '/x/__proto__', value: 'p', name: '__proto__', dir: '/x' }]);
  assert.is(Object.keys(data.tree.x as object).join(), '__proto__');
  assert.is(compileTemplate('{{#each tree.x}}{{@key}}={{this}}{{/each}}', 't')(data), '__proto__=p');
});

render('--check runs on the new file ({} and FLOTILLA_RENDER_FILE); a failing check keeps the old file', async () => {
  await put('/checked/app/1', '127.0.0.1:8001');
  writeFileSync(file('checked.tmpl'), UPSTREAMS);
  const args = ['kv', 'render', '--prefix', '/checked/app', '--template', file('checked.tmpl'), '--out', file('checked.conf'), '--endpoint', node.url];
  const passing = await runCli([...args, '--check', '/bin/grep -q 8001 {}']);
  assert.is(passing.code, 0, passing.stderr);
  assert.match(readFileSync(file('checked.conf'), 'utf8'), /8001/);

  await put('/checked/app/1', '127.0.0.1:9999');
  const seen = file('checked.seen');
  const failing = await runCli([...args, '--check', `/bin/sh -c 'cp "$FLOTILLA_RENDER_FILE" ${seen}; exit 3'`, '--reload', `/bin/sh -c 'touch ${file('checked.reloaded')}'`]);
  assert.is(failing.code, 1);
  assert.match(failing.stderr, new RegExp(`the check exited with 3; ${file('checked.conf')} was not replaced`));
  assert.match(readFileSync(seen, 'utf8'), /9999/, 'the check saw the new text');
  assert.match(readFileSync(file('checked.conf'), 'utf8'), /8001/, 'the old file stays');
  assert.not.ok(existsSync(file('checked.reloaded')), 'no reload after a failed check');
  assert.equal(leftovers(), []);
});

render('errors: a bad template, a failing helper, a bad command line, an unreachable node, a missing template', async () => {
  const base = ['kv', 'render', '--prefix', '/once/app', '--out', file('bad.out'), '--endpoint', node.url];
  writeFileSync(file('bad.tmpl'), 'upstream app {\n{{#each keys}}\n  server {{value}};\n}\n');
  const parse = await flotilla([...base, '--template', file('bad.tmpl')]);
  assert.is(exitOf(parse), 1);
  assert.match(parse.stderr, new RegExp(`bad template ${file('bad.tmpl')}: Parse error on line \\d+:\\n[^]*Expecting`));
  assert.not.ok(existsSync(file('bad.out')));

  writeFileSync(file('json.tmpl'), '{{#each keys}}{{#with (json value)}}{{host}}{{/with}}{{/each}}');
  const helper = await flotilla([...base, '--template', file('json.tmpl')]);
  assert.is(exitOf(helper), 1);
  assert.match(helper.stderr, /json: not JSON: 127\.0\.0\.1:8001/);

  const command = await runCli([...base, '--template', file('once.tmpl'), '--reload', "sh -c 'oops"]);
  assert.is(command.code, 1);
  assert.match(command.stderr, /--reload: unclosed '/);

  const missing = await flotilla([...base, '--template', file('no-such.tmpl')]);
  assert.is(exitOf(missing), 1);
  assert.match(missing.stderr, /cannot read the template: ENOENT/);

  const closed = await flotilla(['kv', 'render', '--prefix', '/a', '--template', file('once.tmpl'), '--out', file('bad.out'), '--endpoint', 'http://127.0.0.1:1']);
  assert.is(exitOf(closed), 4);
  assert.match(closed.stderr, /^Error: {2}cannot reach a node at http:\/\/127\.0\.0\.1:1: connection refused/);

  const both = await flotilla([...base, '--template', file('once.tmpl'), '--watch', '--once']);
  assert.is.not(exitOf(both), 0);
  assert.match(both.error?.message ?? '', /--once=true cannot also be provided when using --watch/);
  assert.not.ok(existsSync(file('bad.out')));
});

/** Starts `kv render --watch` as its own process and waits until it watches. */
async function watcher(prefix: string, name: string, endpoint = node.url): Promise<RunningCli> {
  writeFileSync(file(`${name}.tmpl`), UPSTREAMS);
  const reload = `/bin/sh -c 'echo reloaded >> ${file(`${name}.log`)}'`;
  const cli = spawnCli(['kv', 'render', '--watch', '--prefix', prefix, '--template', file(`${name}.tmpl`), '--out', file(`${name}.conf`), '--reload', reload, '--endpoint', endpoint]);
  await cli.waitFor(/watching \S+ from index \d+/, 30_000);
  return cli;
}

async function stopped(cli: RunningCli): Promise<number | null> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGINT');
  return (await cli.exited).code;
}

const text = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');

render('--watch: the file follows every change, reloads only when the text changed, and Ctrl-C stops it', async () => {
  const cli = await watcher('/watched/app', 'watched');
  try {
    await eventually('the first rendering', async () => text('watched.conf') === upstreams() && lines('watched.log').length === 1);
    await put('/watched/app/1', '127.0.0.1:8001');
    await eventually('app 1 in the file', async () => text('watched.conf') === upstreams('1=127.0.0.1:8001'), 10_000);
    await eventually('a reload', async () => lines('watched.log').length === 2);
    const before = statSync(file('watched.conf'));

    await put('/watched/app/1', '127.0.0.1:8001');
    await put('/watched/other', 'outside the prefix');
    await new Promise((resolve) => setTimeout(resolve, 800));
    const after = statSync(file('watched.conf'));
    assert.is(after.ino, before.ino, 'the same text is not written again');
    assert.is(lines('watched.log').length, 2, 'nor reloaded');

    await put('/watched/app/2', '127.0.0.1:8002');
    await eventually('app 2 in the file', async () => text('watched.conf') === upstreams('1=127.0.0.1:8001', '2=127.0.0.1:8002'), 10_000);
    await del('/watched/app/1');
    await eventually('app 1 gone', async () => text('watched.conf') === upstreams('2=127.0.0.1:8002'), 10_000);
    await eventually('two more reloads', async () => lines('watched.log').length === 4);
    const sent = performance.now();
    cli.child.kill('SIGINT');
    const { code, at } = await cli.exited;
    assert.is(code, 0, cli.stderr());
    assert.ok(at - sent < 3_000, `stopped ${Math.round(at - sent)} ms after Ctrl-C`);
    assert.not.match(cli.stderr(), /warning|error/i);
    assert.equal(leftovers(), []);
  } finally {
    await stopped(cli);
  }
});

render('--watch: a key whose TTL runs out leaves the file', async () => {
  await put('/ttl/app/stays', '127.0.0.1:8001');
  const cli = await watcher('/ttl/app', 'ttl');
  try {
    await put('/ttl/app/short', '127.0.0.1:8009', 1);
    await eventually('the short-lived key in the file', async () => text('ttl.conf').includes('8009'), 10_000);
    await eventually('the expired key gone', async () => text('ttl.conf') === upstreams('stays=127.0.0.1:8001'), 10_000);
    await eventually('three reloads: the first rendering, the key, its expiry', async () => lines('ttl.log').length === 3);
  } finally {
    assert.is(await stopped(cli), 0);
  }
});

/**
 * An HTTP relay to the node that can be cut (connections dropped, port closed) and restored, and
 * can send the next watch with waitIndex=1, which a short history refuses with 401.
 */
class Relay {
  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  staleWatches = 0;
  listings = 0;

  private constructor(
    private readonly target: string,
    readonly port: number,
  ) {}

  static async start(target: string): Promise<Relay> {
    const [port] = await freePorts(1);
    const relay = new Relay(target, port!);
    await relay.restore();
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let url = req.url!;
      if (url.includes('wait=true')) {
        if (this.staleWatches > 0) {
          this.staleWatches--;
          url = url.replace(/waitIndex=\d+/, 'waitIndex=1');
        }
      } else if (url.startsWith('/v2/keys')) this.listings++;
      const upstream = http.request(new URL(url, this.target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

render('--watch: resumes after the node was unreachable, with what changed meanwhile', async () => {
  await put('/cut/app/1', '127.0.0.1:8001');
  const relay = await Relay.start(node.url);
  const cli = await watcher('/cut/app', 'cut', relay.url);
  try {
    await eventually('the first rendering', async () => text('cut.conf') === upstreams('1=127.0.0.1:8001'));
    await relay.cut();
    await cli.waitFor(/warning: cannot reach a node at .*; retrying in/, 10_000);
    await put('/cut/app/2', '127.0.0.1:8002');
    await relay.restore();
    await cli.waitFor(/watching \/cut\/app again from index \d+/, 20_000);
    await eventually('the change made meanwhile', async () => text('cut.conf') === upstreams('1=127.0.0.1:8001', '2=127.0.0.1:8002'), 10_000);
    await put('/cut/app/3', '127.0.0.1:8003');
    await eventually('a change after', async () => text('cut.conf').includes('8003'), 10_000);
  } finally {
    assert.is(await stopped(cli), 0);
    await relay.cut();
  }
});

render('--watch: a watch refused with 401 (history cleared) is followed by a fresh read, silently', async () => {
  for (let i = 0; i <= HISTORY; i++) await put('/churn', String(i));
  await put('/stale/app/1', '127.0.0.1:8001');
  const relay = await Relay.start(node.url);
  relay.staleWatches = 1;
  const cli = await watcher('/stale/app', 'stale', relay.url);
  try {
    await eventually('the stale watch used', async () => relay.staleWatches === 0);
    await eventually('a second read', async () => relay.listings >= 2);
    await put('/stale/app/2', '127.0.0.1:8002');
    await eventually('the change after it', async () => text('stale.conf') === upstreams('1=127.0.0.1:8001', '2=127.0.0.1:8002'), 10_000);
    assert.not.match(cli.stderr(), /warning|error/i);
  } finally {
    assert.is(await stopped(cli), 0);
    await relay.cut();
  }
});

render('--watch: a render that fails is reported and the watch goes on', async () => {
  writeFileSync(file('broken.tmpl'), '{{#each keys}}{{#with (json value)}}{{host}}:{{port}}\n{{/with}}{{/each}}');
  await put('/broken/app/1', '{"host":"127.0.0.1","port":8001}');
  const cli = spawnCli(['kv', 'render', '--watch', '--prefix', '/broken/app', '--template', file('broken.tmpl'), '--out', file('broken.conf'), '--endpoint', node.url]);
  try {
    await cli.waitFor(/rendered .*broken\.conf: 1 key/, 30_000);
    await put('/broken/app/2', 'not json');
    await cli.waitFor(/error: template .*broken\.tmpl: json: not JSON: not json/, 10_000);
    assert.is(text('broken.conf'), '127.0.0.1:8001\n', 'the last good file stays');
    await put('/broken/app/2', '{"host":"127.0.0.1","port":8002}');
    await eventually('the next good rendering', async () => text('broken.conf') === '127.0.0.1:8001\n127.0.0.1:8002\n', 10_000);
  } finally {
    assert.is(await stopped(cli), 0);
  }
});

render.run();
