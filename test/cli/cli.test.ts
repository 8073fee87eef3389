import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { curl } from '../support/curl.js';
import { flotilla, spawnCli } from '../support/cli.js';
import { configFileIn, tempDir } from '../support/temp-dir.js';
import { startTestNode } from '../support/test-node.js';

const cli = suite('cli: flotilla');

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const FIXTURES = path.resolve('test/fixtures/plugins');
const TOKEN = 'cli-test-token-0123456789';

cli('--help lists the topics and commands', async () => {
  const { stdout, error } = await flotilla(['--help']);
  assert.is(error, undefined);
  assert.match(stdout, /TOPICS\n(\s+\S+\s+.+\n)*\s+config\s+Check and render node configuration files\./);
  for (const command of ['up', 'plugins', 'status']) assert.match(stdout, new RegExp(`\\n\\s+${command}\\s`));
  const config = await flotilla(['config', '--help']);
  for (const sub of ['config render', 'config schema', 'config validate']) assert.match(config.stdout, new RegExp(sub));
});

cli('plugins --json is the running node\'s plugin list; the table has one row each', async () => {
  const node = await startTestNode({ config: { plugins: { 'zone-constraint': { module: path.join(FIXTURES, 'zone-constraint.ts'), zone: 'a' } } } });
  try {
    const json = await flotilla(['plugins', '--json', '--endpoint', node.url]);
    assert.is(json.error, undefined);
    const plugins = JSON.parse(json.stdout) as { id: string; state: string; version: string }[];
    assert.equal(plugins.map((p) => [p.id, p.state, p.version]), [['zone-constraint', 'running', '1.0.0']]);
    const table = await flotilla(['plugins', '--endpoint', node.url.replace('http://', '')]);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^PLUGIN\s+STATE\s+VERSION\s+STARTED IN\s+DEPENDS ON\s+SOURCE$/);
    assert.match(lines[1]!, /^zone-constraint\s+running\s+1\.0\.0\s+\d+ms\s+-\s+\/.*zone-constraint\.ts$/);
    assert.is(lines.length, 2);
  } finally {
    await node.stop();
  }
});

cli('client commands send the token from --token or FLOTILLA_TOKEN and explain refusals', async () => {
  const node = await startTestNode({ config: { api: { token: TOKEN } } });
  try {
    const refused = await flotilla(['plugins', '--endpoint', node.url]);
    assert.match(refused.error!.message, /401: missing bearer token/);
    const withFlag = await flotilla(['plugins', '--json', '--endpoint', node.url, '--token', TOKEN]);
    assert.equal(JSON.parse(withFlag.stdout), []);
    process.env.FLOTILLA_TOKEN = TOKEN;
    const status = await flotilla(['status', '--json', '--endpoint', node.url]);
    assert.is(JSON.parse(status.stdout).healthy, true);
    assert.is(JSON.parse(status.stdout).machineId, node.kernel.node!.machineId);
  } finally {
    delete process.env.FLOTILLA_TOKEN;
    await node.stop();
  }
});

cli('status exits 1 when the node is unhealthy', async () => {
  const { CORE, definePlugin } = await import('../../core/index.js');
  const sick = definePlugin({
    id: 'sick',
    register({ container }) {
      container.register(CORE.HealthCheck, { useValue: { name: 'disk', check: async () => ({ ok: false, detail: 'disk full' }) } });
    },
  });
  const node = await startTestNode({ catalog: [sick], config: { plugins: { sick: {} } } });
  try {
    const { stdout } = await flotilla(['status', '--endpoint', node.url]);
    assert.match(stdout, /health\s+unhealthy\n\s+FAIL disk: disk full/);
    assert.is(process.exitCode, 1);
  } finally {
    process.exitCode = 0;
    await node.stop();
  }
});

cli('a client command against no node says so plainly', async () => {
  const port = await closedPort();
  const { error } = await flotilla(['plugins', '--endpoint', `127.0.0.1:${port}`]);
  assert.match(error!.message, new RegExp(`cannot reach a node at http://127\\.0\\.0\\.1:${port}: connection refused`));
  assert.match(error!.message, /connection refused \(is `flotilla up` running there\?\)/);
  assert.is(error!.oclif?.exit, 1);
});

cli('config validate: a good file passes, a typo is reported with file, line and key', async () => {
  const ok = await flotilla(['config', 'validate', 'config/default.yaml']);
  assert.is(ok.error, undefined);
  assert.match(ok.stdout, /^config\/default\.yaml: valid \(node .+; plugins: raft-kv, journal, systemd-unit, fleet-scheduler, fleet-constraint-[a-z-]+(, fleet-constraint-[a-z-]+)*\)/);

  const dir = configFileIn(() => 'api:\n  port: 4001\n  adress: 127.0.0.1\n', 'typo.yaml');
  const file = dir.file;
  try {
    const bad = await flotilla(['config', 'validate', file]);
    assert.is(bad.error?.oclif?.exit, 1);
    assert.is(bad.stderr.trim(), `${file}:3:3: api.adress: unknown key "adress" (did you mean "address"?)`);
    const json = await flotilla(['config', 'validate', file, '--json']);
    assert.equal(JSON.parse(json.stdout), { valid: false, file, problems: [`${file}:3:3: api.adress: unknown key "adress" (did you mean "address"?)`] });
  } finally {
    process.exitCode = 0;
    dir.cleanup();
  }
});

cli('config render shows the effective config with defaults, overrides applied and secrets hidden', async () => {
  const dir = configFileIn(() => `node:\n  name: render-me\napi:\n  token: ${TOKEN}\n`);
  const file = dir.file;
  try {
    const { stdout, error } = await flotilla(['config', 'render', file, '--api-port', '4100', '--set', 'node.metadata.region=eu-1', '--format', 'json']);
    assert.is(error, undefined);
    const effective = JSON.parse(stdout);
    assert.is(effective.node.name, 'render-me');
    assert.equal(effective.node.metadata, { region: ['eu-1'] });
    assert.is(effective.api.port, 4100);
    assert.is(effective.api.token, '<redacted>');
    assert.is(effective.kernel.stopTimeout, 5000);
    assert.not.match(stdout, new RegExp(TOKEN));
    const yaml = await flotilla(['config', 'render', file]);
    assert.match(yaml.stdout, /^version: 1\nnode:\n/);
    const badSet = await flotilla(['config', 'render', file, '--set', 'novalue']);
    assert.match(badSet.stderr, /--set novalue: expected KEY\.PATH=VALUE/);
  } finally {
    dir.cleanup();
  }
});

cli('config schema prints the JSON Schema published in docs/', async () => {
  const { stdout } = await flotilla(['config', 'schema']);
  const schema = JSON.parse(stdout);
  assert.is(schema.title, 'Flotilla node configuration');
  assert.equal(Object.keys(schema.properties), ['version', 'node', 'dataDir', 'api', 'log', 'kernel', 'plugins']);
  const { readFileSync } = await import('node:fs');
  assert.equal(JSON.parse(readFileSync('docs/config.schema.json', 'utf8')), schema, 'docs/config.schema.json is stale: run npm run schema');
});

cli('up runs a node until SIGINT, then stops every plugin and exits 0', async () => {
  const dir = configFileIn((d) => `node:\n  name: cli-up\ndataDir: ${d}/data\napi:\n  port: 0\nplugins:\n  zone-constraint:\n    module: ${path.join(FIXTURES, 'zone-constraint.ts')}\n    zone: eu-1\n`);
  const config = dir.file;
  const up = spawnCli(['up', '--config', config, '--log-level', 'info']);
  try {
    const [, url] = await up.waitFor(/API at (http:\/\/127\.0\.0\.1:\d+)/);
    const health = await curl(`${url}/health`);
    assert.is(health.status, 200);
    assert.is(health.json().node, 'cli-up');
    assert.is((await curl(`${url}/v1/zone`)).json().zone, 'eu-1');
    up.child.kill('SIGINT');
    const { code } = await up.exited;
    assert.is(code, 0, up.stderr());
    assert.match(up.stderr(), /"msg":"node stopped"/);
    const after = await curl(`${url}/health`).then(() => 'answered', () => 'refused');
    assert.is(after, 'refused');
  } finally {
    up.child.kill('SIGKILL');
    dir.cleanup();
  }
});

cli('up stops cleanly on SIGTERM as well', async () => {
  const dir = tempDir();
  const up = spawnCli(['up', '--data-dir', `${dir.path}/data`, '--api-port', '0', '--log-level', 'warn']);
  try {
    const [, url] = await up.waitFor(/API at (http:\/\/127\.0\.0\.1:\d+)/);
    assert.is((await curl(`${url}/health`)).status, 200);
    up.child.kill('SIGTERM');
    assert.is((await up.exited).code, 0, up.stderr());
  } finally {
    up.child.kill('SIGKILL');
    dir.cleanup();
  }
});

cli('up stops the node and exits 70 when a plugin throws at run time', async () => {
  const dir = configFileIn((d) => `dataDir: ${d}/data\napi:\n  port: 0\nplugins:\n  crash-later:\n    module: ${path.join(FIXTURES, 'crash-later.ts')}\n`);
  const config = dir.file;
  const up = spawnCli(['up', '--config', config, '--log-level', 'info']);
  try {
    const { code } = await up.exited;
    assert.is(code, 70, up.stderr());
    assert.match(up.stderr(), /"msg":"unhandled error: stopping the node"/);
    assert.match(up.stderr(), /bug in a timer callback/);
    assert.match(up.stderr(), /"msg":"crash-later stopped"/);
    assert.match(up.stderr(), /"msg":"node stopped"/);
  } finally {
    up.child.kill('SIGKILL');
    dir.cleanup();
  }
});

cli('up with a typo in its config exits 78 naming the file, line and key, and starts nothing', async () => {
  const dir = configFileIn((d) => `dataDir: ${d}/data\napi:\n  port: 0\nlogg:\n  level: info\n`);
  const config = dir.file;
  const up = spawnCli(['up', '--config', config]);
  const { code } = await up.exited;
  dir.cleanup();
  assert.is(code, 78);
  assert.is(up.stderr().trim(), `flotilla up: invalid configuration: ${config}:4:1: logg: unknown key "logg" (did you mean "log"?)`);
});

cli('up with a plugin that throws in start exits 1, names it, and leaves nothing running', async () => {
  const dir = configFileIn((d) => `dataDir: ${d}/data\napi:\n  port: 0\nplugins:\n  zone-constraint:\n    module: ${path.join(FIXTURES, 'zone-constraint.ts')}\n    zone: a\n  failing-start:\n    module: ${path.join(FIXTURES, 'failing-start.ts')}\n`);
  const config = dir.file;
  const up = spawnCli(['up', '--config', config, '--log-level', 'debug']);
  const { code } = await up.exited;
  const { existsSync } = await import('node:fs');
  const lockLeft = existsSync(path.join(dir.path, 'data', 'LOCK'));
  dir.cleanup();
  assert.is(code, 1);
  assert.match(up.stderr(), /flotilla up: plugin "failing-start" failed to start: disk is on fire/);
  assert.match(up.stderr(), /"plugin":"zone-constraint"[^\n]*"msg":"plugin stopped"/);
  assert.match(up.stderr(), /"msg":"node stopped"/);
  assert.not.ok(lockLeft, 'the data dir lock is released');
});

cli.run();

const registry = suite('cli: command registry');

registry('joins command sets and refuses two commands with one id', async () => {
  const { buildCommandRegistry } = await import('../../cli/command-set.js');
  const { Command } = await import('@oclif/core');
  class A extends Command {
    async run() {}
  }
  class B extends Command {
    async run() {}
  }
  assert.equal(Object.keys(buildCommandRegistry({ 'kv:get': A }, { 'unit:start': B })), ['kv:get', 'unit:start']);
  assert.throws(() => buildCommandRegistry({ 'kv:get': A }, { 'kv:get': B }), /two commands claim the id "kv:get"/);
});

registry.run();
