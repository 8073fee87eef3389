import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { FLEET_CONSTRAINTS, definePlugin, loadNodeConfig } from '../../core/index.js';
import { configProblems, loadYaml } from '../support/config-file.js';
import { tempDir } from '../support/temp-dir.js';
import { catalogOf } from '../support/test-node.js';

const config = suite('core: node config');

const FIXTURES = path.resolve('test/fixtures/plugins');

const journal = definePlugin({
  id: 'journal',
  description: 'the journal',
  config: z.strictObject({ maxUse: z.string().default('1G'), rateLimitBurst: z.number().int().positive().default(10000) }),
  register() {},
});
const catalog = catalogOf([journal]);

config('an empty file gives a loopback node with the documented defaults', async () => {
  const { loaded } = await loadYaml('');
  const c = loaded.config;
  assert.is(c.api.address, '127.0.0.1');
  assert.is(c.api.port, 2379);
  assert.is(c.api.bodyLimit, 1_000_000);
  assert.is(c.api.insecure, false);
  assert.is(c.kernel.startTimeout, 30_000);
  assert.is(c.kernel.stopTimeout, 5_000);
  assert.is(c.log.level, 'info');
  assert.ok(c.node.name.length > 0);
  assert.equal(c.plugins, {});
  assert.equal(loaded.plugins, []);
});

config('config/default.yaml and the examples are valid as shipped', async () => {
  const { BUILTIN_PLUGINS } = await import('../../plugins/catalog.js');
  const loaded = await loadNodeConfig({ file: 'config/default.yaml', env: {}, catalog: BUILTIN_PLUGINS });
  assert.is(loaded.config.api.address, '127.0.0.1');
  assert.is(path.isAbsolute(loaded.config.dataDir), true);
  assert.equal(loaded.plugins.map((p) => p.plugin.id), [
    'raft-kv',
    'journal',
    'systemd-unit',
    'fleet-scheduler',
    ...FLEET_CONSTRAINTS,
  ]);
  for (const member of ['m1', 'm2', 'm3']) {
    const example = await loadNodeConfig({ file: `config/examples/cluster-${member}.yaml`, env: {}, catalog: BUILTIN_PLUGINS });
    assert.is(example.config.node.name, member);
  }
});

config('a typo in a key names the file, line, column and key, and suggests the right one', async () => {
  const problems = await configProblems('version: 1\napi:\n  address: 127.0.0.1\n  prot: 4001\n');
  assert.equal(problems, ['node.yaml:4:3: api.prot: unknown key "prot" (did you mean "port"?)']);
});

config('every problem is reported at once, in file order', async () => {
  const problems = await configProblems(
    ['node:', '  name: "bad name!"', 'api:', '  port: 99999', 'kernel:', '  startTimeout: soon', 'log:', '  level: loud', 'colour: blue'].join('\n'),
  );
  assert.equal(problems, [
    'node.yaml:2:3: node.name: must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    'node.yaml:4:3: api.port: Too big: expected number to be <=65535',
    'node.yaml:6:3: kernel.startTimeout: "soon" is not a duration (use e.g. 500ms, 30s, 5m)',
    'node.yaml:8:3: log.level: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    'node.yaml:9:1: colour: unknown key "colour" (known keys: version, node, dataDir, api, log, kernel, plugins)',
  ]);
});

config('a wrong type names the key and what it expected', async () => {
  const problems = await configProblems('api:\n  port: "four"\n  insecure: maybe\n');
  assert.equal(problems, [
    'node.yaml:2:3: api.port: Invalid input: expected number, received string',
    'node.yaml:3:3: api.insecure: Invalid input: expected boolean, received string',
  ]);
});

config('YAML syntax errors and duplicate keys give their line', async () => {
  assert.equal(await configProblems('api:\n  port: [1,\n'), [
    'node.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  const duplicate = await configProblems('api:\n  port: 1\n  port: 2\n');
  assert.is(duplicate.length, 1);
  assert.match(duplicate[0]!, /^node\.yaml:3:3: Map keys must be unique/);
  assert.equal(await configProblems('- a\n- b\n'), ['node.yaml:1:1: a node config must be a YAML mapping']);
});

config('a missing file is a clear error', async () => {
  const dir = tempDir();
  const problems = await loadNodeConfig({ file: path.join(dir.path, 'nope.yaml'), env: {}, catalog: {} }).then(
    () => [],
    (error: Error) => [error.message],
  );
  dir.cleanup();
  assert.match(problems[0]!, /nope\.yaml:1:1: cannot read config file: no such file/);
});

config('a non-loopback API without a token is refused, with a token or insecure: true it is allowed', async () => {
  assert.equal(await configProblems('api:\n  address: 0.0.0.0\n'), [
    'node.yaml:2:3: api.address: refusing to serve the API on non-loopback 0.0.0.0 without a token; set api.token (or api.tokenFile), or api.insecure: true',
  ]);
  const guarded = await loadYaml('api:\n  address: 0.0.0.0\n  token: s3cret-s3cret-s3cret\n');
  assert.is(guarded.loaded.config.apiToken, 's3cret-s3cret-s3cret');
  const open = await loadYaml('api:\n  address: "::"\n  insecure: true\n');
  assert.is(open.loaded.config.api.address, '::');
  assert.equal(await configProblems('api:\n  address: example.com\n'), ['node.yaml:2:3: api.address: must be an IP address or "localhost"']);
  const loopback = await loadYaml('api:\n  address: 127.0.0.2\n');
  assert.is(loopback.loaded.config.api.address, '127.0.0.2');
});

config('a token can come from a file next to the config; short tokens are refused', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir.path, 'api.token'), 'a-long-enough-secret-token\n');
  writeFileSync(path.join(dir.path, 'short.token'), 'short\n');
  writeFileSync(path.join(dir.path, 'node.yaml'), 'api:\n  tokenFile: api.token\n');
  const loaded = await loadNodeConfig({ file: path.join(dir.path, 'node.yaml'), env: {}, catalog: {} });
  assert.is(loaded.config.apiToken, 'a-long-enough-secret-token');
  dir.cleanup();
  assert.equal(await configProblems('api:\n  token: short\n'), ['node.yaml:2:3: api.token: a token needs at least 16 characters']);
  assert.equal(await configProblems('api:\n  tokenFile: /nonexistent/token\n'), [
    "node.yaml:2:3: api.tokenFile: cannot read token file: ENOENT: no such file or directory, open '/nonexistent/token'",
  ]);
});

config('layers: defaults <- file <- FLOTILLA_* environment <- flags', async () => {
  const { loaded } = await loadYaml('node:\n  name: from-file\napi:\n  port: 1000\nlog:\n  level: warn\n', {
    env: { FLOTILLA_API__PORT: '2000', FLOTILLA_LOG__LEVEL: 'debug', FLOTILLA_NODE__METADATA__REGION: 'us-east-1', FLOTILLA_ENDPOINT: 'ignored' },
    flags: [{ path: ['log', 'level'], value: 'error', setBy: '--log-level' }],
  });
  assert.is(loaded.config.node.name, 'from-file');
  assert.is(loaded.config.api.port, 2000);
  assert.is(loaded.config.log.level, 'error');
  assert.equal(loaded.config.node.metadata, { region: ['us-east-1'] });
});

config('metadata values may be numbers or booleans, and become strings', async () => {
  const { loaded } = await loadYaml('node:\n  metadata:\n    rack: 12\n    ssd: true\n    zone: [a, b]\n', { env: { FLOTILLA_NODE__METADATA__ROW: '3' } });
  assert.equal(loaded.config.node.metadata, { rack: ['12'], ssd: ['true'], zone: ['a', 'b'], row: ['3'] });
  assert.equal(await configProblems('node:\n  metadata:\n    rack: {a: 1}\n'), [
    'node.yaml:3:5: node.metadata.rack: metadata values are strings, numbers or booleans, or lists of them',
  ]);
});

config('an environment value for a string key is taken verbatim; others are read as YAML', async () => {
  const { loaded } = await loadYaml('', {
    env: { FLOTILLA_NODE__NAME: '0042', FLOTILLA_API__INSECURE: 'true', FLOTILLA_API__BODY_LIMIT: '2mb', FLOTILLA_API__TOKEN: '1234567890123456' },
  });
  assert.is(loaded.config.node.name, '0042');
  assert.is(loaded.config.api.insecure, true);
  assert.is(loaded.config.api.bodyLimit, 2_000_000);
  assert.is(loaded.config.apiToken, '1234567890123456');
});

config('environment and flag problems name the variable or flag', async () => {
  const problems = await configProblems('', {
    env: { FLOTILLA_API__PORT: 'abc', FLOTILLA_API__PROT: '1', FLOTILLA_NOPE: 'x' },
    flags: [{ path: ['log', 'level'], value: 'loud', setBy: '--set log.level' }],
  });
  assert.equal(problems, [
    'environment FLOTILLA_API__PORT: api.port: Invalid input: expected number, received string',
    'environment FLOTILLA_API__PROT: api.PROT: no such config key (here: ADDRESS, PORT, TOKEN, TOKEN_FILE, INSECURE, BODY_LIMIT, HEADERS_TIMEOUT)',
    'environment FLOTILLA_NOPE: NOPE: no such config key (here: VERSION, NODE, DATA_DIR, API, LOG, KERNEL, PLUGINS)',
    'flag --set log.level: log.level: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
  ]);
});

config('a built-in plugin slice is validated by its own schema, with lines', async () => {
  const { loaded } = await loadYaml('plugins:\n  journal:\n    maxUse: 4G\n', { catalog });
  assert.equal(loaded.config.plugins.journal, { module: undefined, enabled: true, config: { maxUse: '4G', rateLimitBurst: 10000 } });
  assert.equal(loaded.plugins.map((p) => [p.plugin.id, p.source]), [['journal', 'built-in']]);

  assert.equal(await configProblems('plugins:\n  journal:\n    maxUse: 4G\n    rateLimitBurst: -1\n    maxUze: 1\n', { catalog }), [
    'node.yaml:4:5: plugins.journal.rateLimitBurst: Too small: expected number to be >0',
    'node.yaml:5:5: plugins.journal.maxUze: unknown key "maxUze" (did you mean "maxUse"?)',
  ]);
});

config('a plugin key with no settings, or enabled: false', async () => {
  const { loaded } = await loadYaml('plugins:\n  journal:\n', { catalog });
  assert.equal(loaded.plugins.map((p) => p.plugin.id), ['journal']);
  const off = await loadYaml('plugins:\n  journal:\n    enabled: false\n    maxUse: nonsense-is-not-checked\n', { catalog });
  assert.equal(off.loaded.plugins, []);
  assert.equal(off.loaded.config.plugins, {});
});

config('plugins can be enabled and configured from the environment', async () => {
  const { loaded } = await loadYaml('', { catalog, env: { FLOTILLA_PLUGINS__JOURNAL__RATE_LIMIT_BURST: '5' } });
  assert.equal(loaded.config.plugins.journal!.config, { maxUse: '1G', rateLimitBurst: 5 });
});

config('an unknown plugin id is refused with a suggestion', async () => {
  assert.equal(await configProblems('plugins:\n  jounral: {}\n', { catalog }), [
    'node.yaml:2:3: plugins.jounral: unknown plugin "jounral" (did you mean "journal"?); a plugin that is not built in needs "module:"',
  ]);
});

config('a third-party plugin loads by path relative to the config file, with its own settings', async () => {
  const dir = tempDir();
  const file = path.join(dir.path, 'node.yaml');
  const module = path.relative(dir.path, path.join(FIXTURES, 'zone-constraint.ts'));
  writeFileSync(file, `plugins:\n  zone-constraint:\n    module: ${module}\n    zone: eu-1\n`);
  try {
    const loaded = await loadNodeConfig({ file, env: {}, catalog: {} });
    assert.equal(loaded.plugins.map((p) => [p.plugin.id, p.plugin.version]), [['zone-constraint', '1.0.0']]);
    assert.is(loaded.plugins[0]!.source, path.join(FIXTURES, 'zone-constraint.ts'));
    assert.equal(loaded.config.plugins['zone-constraint']!.config, { zone: 'eu-1', strict: false });
    assert.equal(
      Object.keys((loaded.schema.properties!.plugins as { properties: Record<string, { properties: object }> }).properties['zone-constraint']!.properties),
      ['module', 'enabled', 'zone', 'strict'],
    );
  } finally {
    dir.cleanup();
  }
});

config('third-party plugin problems: bad settings, a module that exports no plugin, a wrong key, a missing module', async () => {
  const zone = path.join(FIXTURES, 'zone-constraint.ts');
  assert.equal(await configProblems(`plugins:\n  zone-constraint:\n    module: ${zone}\n    zone: ""\n    strikt: true\n`), [
    'node.yaml:4:5: plugins.zone-constraint.zone: Too small: expected string to have >=1 characters',
    'node.yaml:5:5: plugins.zone-constraint.strikt: unknown key "strikt" (did you mean "strict"?)',
  ]);
  assert.equal(await configProblems(`plugins:\n  answer:\n    module: ${path.join(FIXTURES, 'not-a-plugin.ts')}\n`), [
    `node.yaml:3:5: plugins.answer.module: module "${path.join(FIXTURES, 'not-a-plugin.ts')}" exports no plugin: export default definePlugin({ id, register, … })`,
  ]);
  assert.equal(await configProblems(`plugins:\n  zones:\n    module: ${zone}\n    zone: a\n`), [
    `node.yaml:2:3: plugins.zones: module "${zone}" holds plugin "zone-constraint"; its key must be "zone-constraint"`,
  ]);
  const missing = await configProblems('plugins:\n  ghost:\n    module: ./ghost.js\n');
  assert.is(missing.length, 1);
  assert.match(missing[0]!, /^node\.yaml:3:5: plugins\.ghost\.module: cannot load plugin module "\.\/ghost\.js": no such file \/.*\/ghost\.js$/);
  const noPackage = await configProblems('plugins:\n  ghost:\n    module: flotilla-plugin-that-does-not-exist\n');
  assert.match(noPackage[0]!, /^node\.yaml:3:5: plugins\.ghost\.module: cannot load plugin module "flotilla-plugin-that-does-not-exist": no package "flotilla-plugin-that-does-not-exist" is installed/);
});

config('a third-party plugin can be named by package name', async () => {
  const dir = tempDir();
  const pkg = path.join(dir.path, 'node_modules', 'flotilla-plugin-hello');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'flotilla-plugin-hello', type: 'module', main: 'index.js' }));
  writeFileSync(path.join(pkg, 'index.js'), "export default { id: 'hello', version: '0.0.1', register() {} };\n");
  writeFileSync(path.join(dir.path, 'node.yaml'), 'plugins:\n  hello:\n    module: flotilla-plugin-hello\n');
  try {
    const loaded = await loadNodeConfig({ file: path.join(dir.path, 'node.yaml'), env: {}, catalog: {} });
    assert.equal(loaded.plugins.map((p) => [p.plugin.id, p.source]), [['hello', path.join(pkg, 'index.js')]]);
  } finally {
    dir.cleanup();
  }
});

config('an ESM-only plugin package (exports with an import condition) loads by name', async () => {
  const dir = tempDir();
  const pkg = path.join(dir.path, 'node_modules', '@acme', 'flotilla-esm');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: '@acme/flotilla-esm', type: 'module', exports: { '.': { types: './lib/index.d.ts', import: './lib/index.js' } } }),
  );
  writeFileSync(path.join(pkg, 'lib', 'index.js'), "export const plugin = { id: 'acme-esm', register() {} };\n");
  mkdirSync(path.join(dir.path, 'etc'));
  writeFileSync(path.join(dir.path, 'etc', 'node.yaml'), 'plugins:\n  acme-esm:\n    module: "@acme/flotilla-esm"\n');
  try {
    const loaded = await loadNodeConfig({ file: path.join(dir.path, 'etc', 'node.yaml'), env: {}, catalog: {} });
    assert.equal(loaded.plugins.map((p) => [p.plugin.id, p.source]), [['acme-esm', path.join(pkg, 'lib', 'index.js')]]);
  } finally {
    dir.cleanup();
  }
});

config('a plugin schema may be any Standard Schema, not only zod', async () => {
  // A hand-written validator in the Standard Schema shape, as valibot or arktype would provide.
  const schema = {
    '~standard': {
      version: 1 as const,
      vendor: 'hand-made',
      validate(value: unknown) {
        const slice = value as Record<string, unknown>;
        const issues = Object.entries(slice)
          .filter(([key, v]) => key !== 'retryLimit' || typeof v !== 'number')
          .map(([key]) => ({ message: key === 'retryLimit' ? 'must be a number' : 'not a setting', path: [{ key }] }));
        return issues.length > 0 ? { issues } : { value: { retryLimit: (slice.retryLimit as number | undefined) ?? 3 } };
      },
    },
  };
  const handMade = catalogOf([definePlugin({ id: 'hand-made', config: schema, register() {} })]);
  const { loaded } = await loadYaml('plugins:\n  hand-made:\n', { catalog: handMade, env: { FLOTILLA_PLUGINS__HAND_MADE__RETRY_LIMIT: '7' } });
  assert.equal(loaded.config.plugins['hand-made']!.config, { retryLimit: 7 });
  assert.equal(await configProblems('plugins:\n  hand-made:\n    retryLimit: many\n    colour: red\n', { catalog: handMade }), [
    'node.yaml:3:5: plugins.hand-made.retryLimit: must be a number',
    'node.yaml:4:5: plugins.hand-made.colour: not a setting',
  ]);
});

config('a plugin without a schema takes no settings', async () => {
  const bare = catalogOf([definePlugin({ id: 'bare', register() {} })]);
  assert.equal(await configProblems('plugins:\n  bare:\n    colour: red\n', { catalog: bare }), [
    'node.yaml:3:5: plugins.bare.colour: plugin "bare" takes no settings',
  ]);
});

config('relative dataDir resolves against the working directory', async () => {
  const { loaded, dir } = await loadYaml('dataDir: ./state\n');
  assert.is(loaded.config.dataDir, path.join(dir, 'state'));
});

config.run();
