import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FLEET_CONSTRAINTS, loadNodeConfig } from '../../core/index.js';
import { BUILTIN_PLUGINS } from '../../plugins/catalog.js';
import { configProblems, loadYaml } from '../support/config-file.js';

// A #cloud-config document read as a node config: CoreOS's keys translated, Flotilla's own under
// `flotilla:`, every problem at the document's file, line and key.
const test = suite('core: cloud-config documents');

const catalog = BUILTIN_PLUGINS;
const load = async (text: string, options: Parameters<typeof loadYaml>[1] = {}) => (await loadYaml(text, { catalog, ...options })).loaded;
const problems = (text: string, options: Parameters<typeof configProblems>[1] = {}) => configProblems(text, { catalog, ...options });
const doc = (...lines: string[]) => ['#cloud-config', ...lines, ''].join('\n');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const slice = (loaded: Awaited<ReturnType<typeof load>>, id: string) => loaded.config.plugins[id]?.config as Record<string, any>;

test('a CoreOS document becomes the node config it stands for', async () => {
  const loaded = await load(
    doc(
      'hostname: web-1',
      'coreos:',
      '  etcd2:',
      '    name: web-1',
      '    initial-cluster: web-1=http://127.0.0.1:12380,web-2=http://127.0.0.1:22380',
      '    initial-cluster-state: new',
      '    initial-cluster-token: demo-cluster',
      '    initial-advertise-peer-urls: http://127.0.0.1:12380',
      '    listen-peer-urls: http://127.0.0.1:12380',
      '    advertise-client-urls: http://127.0.0.1:12379',
      '    listen-client-urls: http://127.0.0.1:12379,http://127.0.0.1:4001',
      '  fleet:',
      '    metadata: region=us-west,disk=ssd,disk=nvme',
      '    public-ip: 127.0.0.1',
      '    agent-ttl: 30s',
      '    engine-reconcile-interval: 2',
      '  units:',
      '    - name: hello.service',
      '      command: start',
      '      enable: true',
      '      content: |',
      '        [Service]',
      '        ExecStart=/bin/sleep 1000',
      'write_files:',
      '  - path: /tmp/flotilla-cc/motd',
      '    content: hello',
    ),
  );
  const { config } = loaded;
  assert.is(loaded.format, 'cloud-config');
  assert.is(config.node.name, 'web-1');
  assert.equal(config.node.metadata, { region: ['us-west'], disk: ['ssd', 'nvme'] });
  assert.equal([config.api.address, config.api.port], ['127.0.0.1', 12379]);
  assert.equal(
    loaded.plugins.map((p) => p.plugin.id),
    [
      'raft-kv',
      'journal',
      'cloud-config',
      'systemd-unit',
      'fleet-scheduler',
      ...FLEET_CONSTRAINTS,
    ],
  );
  const kv = slice(loaded, 'raft-kv');
  assert.equal(
    [kv.name, kv.initialCluster, kv.initialClusterState, kv.clusterToken, kv.advertisePeerUrl, kv.peerAddress, kv.peerPort, kv.advertiseClientUrl],
    ['web-1', { 'web-1': 'http://127.0.0.1:12380', 'web-2': 'http://127.0.0.1:22380' }, 'new', 'demo-cluster', 'http://127.0.0.1:12380', '127.0.0.1', 12380, 'http://127.0.0.1:12379'],
  );
  const fleet = slice(loaded, 'fleet-scheduler');
  assert.equal([fleet.publicIp, fleet.machineTtl, fleet.reconcileInterval], ['127.0.0.1', 30_000, 2_000]);
  const cc = slice(loaded, 'cloud-config');
  assert.equal(cc.units.map((u: any) => [u.name, u.command, u.enable, u.dropIns]), [['hello.service', 'start', true, []]]);
  assert.match(cc.units[0].origin, /node\.yaml:19:7: coreos\.units\[0\]$/);
  assert.equal(
    cc.files.map((f: any) => [f.path, f.content, f.permissions, f.sha256, f.size]),
    [['/tmp/flotilla-cc/motd', 'hello', '0644', sha256('hello'), 5]],
  );
  assert.match(cc.files[0].origin, /node\.yaml:26:5: write_files\[0\]$/);
});

test('a discovery URL runs the discovery plugin; the shipped example validates', async () => {
  const loaded = await load(doc('coreos:', '  etcd2:', '    discovery: http://127.0.0.1:2379/v2/keys/_etcd/registry/abc'));
  assert.ok(loaded.plugins.some((p) => p.plugin.id === 'discovery'));
  assert.is(slice(loaded, 'raft-kv').discovery, 'http://127.0.0.1:2379/v2/keys/_etcd/registry/abc');

  const example = await loadNodeConfig({ file: 'config/examples/cloud-config.yaml', env: {}, catalog });
  assert.is(example.format, 'cloud-config');
  assert.is(example.config.node.name, 'cc-1');
  assert.match(slice(example, 'raft-kv').discovery, /^http:\/\/127\.0\.0\.1:2379\/v2\/keys\/_etcd\/registry\//);
  assert.equal(slice(example, 'cloud-config').units.map((u: any) => u.name), ['greeter.service']);
  assert.equal(slice(example, 'cloud-config').files.map((f: any) => f.path), ['/tmp/flotilla-example/motd']);
});

test("etcd 0.4's keys, and etcd's timeouts as raft-kv's ticks", async () => {
  const v1 = await load(
    doc('coreos:', '  etcd:', '    name: old', '    addr: 127.0.0.1:4001', '    peer-addr: 127.0.0.1:7001', '    bind-addr: 127.0.0.1:4001', '    peer-bind-addr: 127.0.0.1:7001'),
  );
  const kv = slice(v1, 'raft-kv');
  assert.equal([kv.advertiseClientUrl, kv.advertisePeerUrl, kv.peerAddress, kv.peerPort], ['http://127.0.0.1:4001', 'http://127.0.0.1:7001', '127.0.0.1', 7001]);
  assert.is(v1.config.api.port, 4001);

  const timed = slice(await load(doc('coreos:', '  etcd2:', '    heartbeat-interval: 50', '    election-timeout: 500', '    snapshot-count: "20000"')), 'raft-kv');
  assert.equal([timed.tick, timed.electionTicks, timed.snapshotCount], [50, 10, 20_000]);
});

test('write_files: YAML 1.1 octal modes, base64, gzip and !!binary content, owners by name', async () => {
  const gzipped = gzipSync('zipped text\n').toString('base64');
  const loaded = await load(
    doc(
      'write_files:',
      '  - path: /tmp/cc/a',
      '    permissions: 0600',
      '    owner: root:root',
      '    encoding: b64',
      '    content: aGVsbG8=',
      '  - path: /tmp/cc/b',
      "    permissions: '0755'",
      '    owner: root',
      '    encoding: gzip+base64',
      `    content: ${gzipped}`,
      '  - path: /tmp/cc/c',
      '    content: !!binary AAEC/w==',
    ),
  );
  const files = slice(loaded, 'cloud-config').files;
  assert.equal(
    files.map((f: any) => [f.content, f.encoding, f.permissions, f.uid, f.gid]),
    [
      ['hello', undefined, '0600', 0, 0],
      ['zipped text\n', undefined, '0755', 0, undefined],
      ['AAEC/w==', 'base64', '0644', undefined, undefined],
    ],
  );
  assert.is(files[2].sha256, sha256(Buffer.from([0, 1, 2, 255])));
});

test("problems name the document's file, line and key", async () => {
  const found = await problems(
    doc(
      'users:',
      '  - name: core',
      'coreos:',
      '  update:',
      '    reboot-strategy: off',
      '  etcd2:',
      '    initial-clustr: m1=http://127.0.0.1:2380',
      '    proxy: on',
      '  fleet:',
      '    public-ip: $public_ipv4',
      '  units:',
      '    - name: app.service',
      '      command: launch',
      '      content: |',
      '        ExecStart=/bin/true',
      '    - name: db.service',
      '      mask: true',
      'write_files:',
      '  - path: /tmp/cc/x',
      '    encoding: base64',
      '    content: "not base64!"',
      '  - path: /tmp/cc/y',
      '    content: hello',
      `    sha256: ${sha256('goodbye')}`,
      'runcmd: [ls]',
    ),
  );
  assert.equal(found, [
    'node.yaml:2:1: users: not supported by Flotilla: managing users; create them with the operating system',
    'node.yaml:5:3: coreos.update: not supported by Flotilla: operating system updates (update_engine)',
    'node.yaml:8:5: coreos.etcd2.initial-clustr: unknown key "initial-clustr" (did you mean "initial-cluster"?)',
    'node.yaml:9:5: coreos.etcd2.proxy: not supported by Flotilla: proxy mode; every Flotilla node that runs raft-kv is a member',
    'node.yaml:11:5: coreos.fleet.public-ip: not supported by Flotilla: the $public_ipv4 substitution; write the address itself',
    'node.yaml:14:7: coreos.units[0].command: must be one of start, stop, restart, reload, try-restart, reload-or-restart, reload-or-try-restart',
    'node.yaml:15:7: coreos.units[0].content: line 1: "ExecStart=/bin/true" comes before any [Section] header',
    'node.yaml:18:7: coreos.units[1].mask: not supported by Flotilla: masking units; leave the unit out, or stop it with command: stop',
    'node.yaml:22:5: write_files[0].content: is not valid base64',
    `node.yaml:25:5: write_files[1].sha256: the content's SHA-256 is ${sha256('hello')}, not ${sha256('goodbye')}`,
    'node.yaml:26:1: runcmd: unknown key "runcmd" (known keys: hostname, coreos, write_files, flotilla)',
  ]);
});

test('more problems: options etcd has and Flotilla lacks, unit names, modes, owners, gzip without binary', async () => {
  const found = await problems(
    doc(
      'coreos:',
      '  etcd2:',
      '    cert-file: /etc/ssl/etcd.pem',
      '    max-wals: 5',
      '    listen-peer-urls: https://127.0.0.1:2380',
      '  units:',
      '    - name: bad name',
      '    - name: locksmithd.service',
      '      command: stop',
      '    - command: start',
      '    - name: worker@.service',
      '      command: start',
      '      content: "[Service]\\nExecStart=/bin/true\\n"',
      'write_files:',
      '  - path: /tmp/cc/x',
      "    permissions: '0999'",
      '    owner: no-such-user-here',
      '  - path: /tmp/cc/z',
      '    encoding: gzip',
      '    content: abc',
    ),
  );
  assert.equal(found, [
    "node.yaml:4:5: coreos.etcd2.cert-file: not supported by Flotilla: TLS; Flotilla's API and its peers speak plain HTTP (the API takes a bearer token, peers the cluster token)",
    'node.yaml:5:5: coreos.etcd2.max-wals: not supported by Flotilla (it reads name, discovery, snapshot-count, initial-cluster, initial-cluster-state, initial-cluster-token, initial-advertise-peer-urls, advertise-client-urls, listen-peer-urls, listen-client-urls, heartbeat-interval, election-timeout here)',
    'node.yaml:6:5: coreos.etcd2.listen-peer-urls: not supported by Flotilla: https listeners; Flotilla serves plain http://',
    'node.yaml:8:7: coreos.units[0].name: is not a unit name: letters, digits and :_.\\- (an @ before an instance), ending in .service, .socket, .target or another unit type',
    'node.yaml:9:7: coreos.units[1].name: not supported by Flotilla: locksmithd.service (Flotilla does not coordinate reboots); leave it out',
    'node.yaml:11:7: coreos.units[2]: a unit needs a name',
    'node.yaml:13:7: coreos.units[3].command: worker@.service is a template; a command needs an instance (like worker@1.service)',
    "node.yaml:17:5: write_files[0].permissions: must be an octal mode such as '0644'",
    'node.yaml:18:5: write_files[0].owner: no user no-such-user-here in /etc/passwd',
    'node.yaml:20:5: write_files[1].encoding: gzip content is given as !!binary, or as base64 with encoding gzip+base64',
  ]);
  const twice = await problems(
    doc('coreos:', '  units:', '    - name: a.service', '    - name: a.service', 'write_files:', '  - path: /tmp/cc/x', '  - path: /tmp/cc/./x'),
  );
  assert.equal(twice, [
    'node.yaml:5:7: coreos.units[1].name: a.service is given by an earlier entry too',
    'node.yaml:8:5: write_files[1].path: /tmp/cc/x is written by an earlier entry too',
  ]);
});

test('a value the node config refuses is reported at the CoreOS key, with the node config key alongside', async () => {
  const found = await problems(doc('hostname: "web 1"', 'coreos:', '  etcd2:', '    listen-client-urls: http://0.0.0.0:2379', '  fleet:', '    agent-ttl: soon'));
  assert.equal(found, [
    'node.yaml:2:1: hostname: must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit (node.name)',
    'node.yaml:5:5: coreos.etcd2.listen-client-urls: refusing to serve the API on non-loopback 0.0.0.0 without a token; set api.token (or api.tokenFile), or api.insecure: true (api.address)',
    'node.yaml:7:5: coreos.fleet.agent-ttl: "soon" is not a duration (use e.g. 500ms, 30s, 5m) (plugins.fleet-scheduler.machineTtl)',
  ]);
  const needsKv = await problems(doc('coreos:', '  fleet:', '    public-ip: 127.0.0.1'));
  assert.equal(needsKv.length, 1);
  assert.match(needsKv[0]!, /^node\.yaml:3:3: coreos\.fleet: .*raft-kv.* \(plugins\.fleet-scheduler\)$/);
});

test('the flotilla section holds node config keys; a key set twice names both lines', async () => {
  const loaded = await load(
    doc('coreos:', '  etcd2:', '    name: m1', 'flotilla:', '  dataDir: ./state', '  log:', '    level: warn', '  plugins:', '    raft-kv:', '      tick: 50ms', '    journal:'),
  );
  assert.match(loaded.config.dataDir, /\/state$/);
  assert.is(loaded.config.log.level, 'warn');
  assert.equal([slice(loaded, 'raft-kv').name, slice(loaded, 'raft-kv').tick], ['m1', 50]);

  const found = await problems(
    doc(
      'hostname: a',
      'coreos:',
      '  etcd2:',
      '    name: m1',
      '    listen-client-urls: http://127.0.0.1:2379',
      '  units:',
      '    - name: x.service',
      '      content: "[Service]\\nExecStart=/bin/true\\n"',
      'flotilla:',
      '  node:',
      '    name: a',
      '  api:',
      '    port: 4001',
      '    prot: 1',
      '  plugins:',
      '    raft-kv:',
      '      name: m2',
      '    systemd-unit:',
      '      enabled: false',
    ),
  );
  assert.equal(found, [
    'node.yaml:12:5: flotilla.node.name: hostname (line 2) already sets node.name; set it in one place',
    'node.yaml:14:5: flotilla.api.port: coreos.etcd2.listen-client-urls (line 6) already sets api.port; set it in one place',
    'node.yaml:15:5: flotilla.api.prot: unknown key "prot" (did you mean "port"?)',
    'node.yaml:18:7: flotilla.plugins.raft-kv.name: coreos.etcd2.name (line 5) already sets plugins.raft-kv.name; set it in one place',
    'node.yaml:20:7: flotilla.plugins.systemd-unit.enabled: coreos.units (line 7) already sets plugins.systemd-unit.enabled; set it in one place',
  ]);
});

test('environment variables and flags layer over a cloud-config document', async () => {
  const text = doc('coreos:', '  etcd2:', '    listen-client-urls: http://127.0.0.1:12379', 'flotilla:', '  log:', '    level: warn');
  const loaded = await load(text, {
    env: { FLOTILLA_API__PORT: '4100', FLOTILLA_NODE__NAME: 'from-env' },
    flags: [{ path: ['log', 'level'], value: 'debug', setBy: '--log-level' }],
  });
  assert.equal([loaded.config.api.port, loaded.config.node.name, loaded.config.log.level], [4100, 'from-env', 'debug']);
  const found = await problems(text, { env: { FLOTILLA_API__PORT: 'abc' } });
  assert.equal(found, ['environment FLOTILLA_API__PORT: api.port: Invalid input: expected number, received string']);
});

test("CoreOS's own units: etcd2 and fleet are plugins here; others are refused", async () => {
  const loaded = await load(doc('coreos:', '  units:', '    - name: etcd2.service', '      command: start', '    - name: fleet.service', '      command: start'));
  const ids = loaded.plugins.map((p) => p.plugin.id);
  assert.ok(ids.includes('raft-kv') && ids.includes('fleet-scheduler') && ids.includes('fleet-constraint-metadata'));
  assert.equal(slice(loaded, 'cloud-config').units, []);

  const found = await problems(
    doc(
      'coreos:',
      '  etcd2:',
      '  units:',
      '    - name: etcd2.service',
      '      command: stop',
      '    - name: fleet.service',
      '      drop-ins:',
      '        - name: 10-x.conf',
      '          content: "[Service]\\nEnvironment=A=1\\n"',
      '    - name: update-engine.service',
      '      command: stop',
    ),
  );
  assert.equal(found, [
    'node.yaml:6:7: coreos.units[0].command: etcd2.service is the raft-kv plugin here, which runs with the node; to not run it, leave etcd2.service out',
    'node.yaml:8:7: coreos.units[1].drop-ins: not supported by Flotilla for fleet.service, which is the fleet-scheduler plugin here: set its options under coreos.fleet',
    'node.yaml:11:7: coreos.units[2].name: not supported by Flotilla: update-engine.service (Flotilla does not update the operating system); leave it out',
  ]);
});

test('only a first line of exactly #cloud-config makes a cloud-config document; syntax errors keep their lines', async () => {
  const plain = await load('# cloud-config\nnode:\n  name: plain\n');
  assert.is(plain.format, 'node-config');
  assert.is(plain.config.node.name, 'plain');
  assert.equal(await problems('#cloud-config\n- a list\n'), ['node.yaml:1:1: a cloud-config document must be a YAML mapping']);
  assert.equal(await problems('#cloud-config\nhostname: a\nhostname: b\n'), ['node.yaml:3:1: Map keys must be unique']);
  const empty = await load('#cloud-config\n');
  assert.equal(empty.plugins.map((p) => p.plugin.id), ['journal', 'cloud-config', 'systemd-unit']);
});

test.run();
