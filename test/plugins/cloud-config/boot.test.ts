import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, Kernel, loadNodeConfig, PluginStartError } from '../../../core/index.js';
import cloudConfig from '../../../plugins/cloud-config/index.js';
import type { AppliedReport } from '../../../plugins/cloud-config/report.js';
import journal from '../../../plugins/journal/index.js';
import systemdUnit from '../../../plugins/systemd-unit/index.js';
import { SYSTEMD_UNIT } from '../../../plugins/systemd-unit/tokens.js';
import { rejects } from '../../support/rejects.js';
import { tempDir } from '../../support/temp-dir.js';
import { catalogOf } from '../../support/test-node.js';
import { eventuallyAsync } from '../systemd-unit/node/helpers.js';

// A node started from a #cloud-config document through the real loader and kernel: files written
// before units start, units written, enabled and started once the node runs, and a second start
// on the same data directory that changes nothing.
const test = suite('cloud-config: a node started from a cloud-config document');

const catalog = catalogOf([journal, systemdUnit, cloudConfig]);
const home = tempDir('flotilla-cloud-config-');
const out = path.join(home.path, 'out');
const dataDir = path.join(home.path, 'data');
const unitDir = path.join(dataDir, 'plugins', 'systemd-unit', 'units');
const file = path.join(home.path, 'node.yaml');
const asRoot = process.geteuid?.() === 0;
/** A user other than root to give a file to, when the tests run as root. */
const daemon = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':')).find((fields) => fields[0] === 'daemon');

const tool = '#!/bin/sh\necho tool\n';
const toolGz = gzipSync(tool).toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function document(options: { toolMode?: string } = {}): string {
  return `#cloud-config
hostname: cc-node
coreos:
  units:
    - name: greeter.service
      enable: true
      command: start
      content: |
        [Unit]
        Description=Greets with what its drop-in says
        [Service]
        ExecStart=/bin/sh -c 'echo "$GREETING" > ${out}/greeting; exec /bin/sleep 1000'
        [Install]
        WantedBy=multi-user.target
      drop-ins:
        - name: 10-greeting.conf
          content: |
            [Service]
            Environment=GREETING=hello-from-drop-in
    - name: worker.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
write_files:
  - path: ${out}/etc/motd
    permissions: '0640'
${asRoot && daemon ? '    owner: daemon:daemon\n' : ''}    content: |
      hello
  - path: ${out}/bin/tool
    permissions: ${options.toolMode ?? '0755'}
    encoding: gzip+base64
    content: ${toolGz}
    sha256: ${sha256(tool)}
flotilla:
  dataDir: ${dataDir}
  api:
    port: 0
  plugins:
    journal:
      flushInterval: 10ms
`;
}

async function boot(text: string): Promise<Kernel> {
  writeFileSync(file, text);
  const loaded = await loadNodeConfig({ file, env: {}, catalog });
  const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins });
  await kernel.start();
  return kernel;
}

async function report(kernel: Kernel): Promise<AppliedReport> {
  const response = await fetch(`${kernel.apiUrl}/v1/cloud-config`);
  assert.is(response.status, 200);
  return (await response.json()) as AppliedReport;
}

async function activeState(kernel: Kernel, unit: string): Promise<string> {
  return (await kernel.container.resolve(SYSTEMD_UNIT.Control).status(unit)).activeState;
}

/** Identity and times of what the document makes on disk, to compare across starts. */
function fingerprints(): Record<string, string> {
  const entries = {
    motd: path.join(out, 'etc/motd'),
    tool: path.join(out, 'bin/tool'),
    unit: path.join(unitDir, 'greeter.service'),
    worker: path.join(unitDir, 'worker.service'),
    dropIn: path.join(unitDir, 'greeter.service.d/10-greeting.conf'),
    link: path.join(unitDir, 'multi-user.target.wants/greeter.service'),
  };
  return Object.fromEntries(
    Object.entries(entries).map(([name, at]) => {
      const st = lstatSync(at, { bigint: true });
      return [name, `${st.ino}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}:${st.uid}:${st.gid}`];
    }),
  );
}

let firstBoot: Record<string, string> = {};

test('the first start writes the files, then writes, enables and starts the units', async () => {
  const kernel = await boot(document());
  try {
    const motd = statSync(path.join(out, 'etc/motd'));
    assert.is(readFileSync(path.join(out, 'etc/motd'), 'utf8'), 'hello\n');
    assert.is(motd.mode & 0o7777, 0o640);
    if (asRoot && daemon) assert.equal([motd.uid, motd.gid], [Number(daemon[2]), Number(daemon[3])]);
    assert.is(readFileSync(path.join(out, 'bin/tool'), 'utf8'), tool);
    assert.is(statSync(path.join(out, 'bin/tool')).mode & 0o7777, 0o755);

    assert.is(await activeState(kernel, 'greeter.service'), 'active');
    assert.is(await activeState(kernel, 'worker.service'), 'active');
    await eventuallyAsync(async () => existsSync(path.join(out, 'greeting')) && readFileSync(path.join(out, 'greeting'), 'utf8').length > 0, 'the greeter wrote');
    assert.is(readFileSync(path.join(out, 'greeting'), 'utf8'), 'hello-from-drop-in\n');
    assert.is(readlinkSync(path.join(unitDir, 'multi-user.target.wants/greeter.service')), path.join(unitDir, 'greeter.service'));
    assert.not.ok(existsSync(path.join(unitDir, 'multi-user.target.wants/worker.service')), 'a unit without enable gets no link');

    const applied = await report(kernel);
    assert.is(applied.phase, 'done');
    assert.is(applied.source, file);
    assert.equal(applied.files.map((f) => [f.path, f.outcome]), [[path.join(out, 'etc/motd'), 'created'], [path.join(out, 'bin/tool'), 'created']]);
    assert.equal(
      applied.units.map((u) => [u.name, u.outcome, u.unitFile, u.dropIns, u.links.length, u.command?.result, u.command?.activeState]),
      [
        ['greeter.service', 'written', true, ['10-greeting.conf'], 1, 'done', 'active'],
        ['worker.service', 'written', true, [], 0, 'done', 'active'],
      ],
    );
  } finally {
    await kernel.stop();
  }
  firstBoot = fingerprints();
});

test('a second start with the same document changes nothing and says so', async () => {
  const kernel = await boot(document());
  try {
    assert.equal(fingerprints(), firstBoot);
    const applied = await report(kernel);
    assert.equal(applied.files.map((f) => [f.outcome, f.changes]), [['unchanged', []], ['unchanged', []]]);
    assert.equal(applied.units.map((u) => [u.outcome, u.unitFile, u.dropIns, u.links]), [['unchanged', false, [], []], ['unchanged', false, [], []]]);
    assert.is(await activeState(kernel, 'greeter.service'), 'active');
    assert.is(await activeState(kernel, 'worker.service'), 'active');
    const recorded = JSON.parse(readFileSync(path.join(dataDir, 'plugins/cloud-config/applied.json'), 'utf8')) as AppliedReport;
    assert.equal(recorded.files.map((f) => f.outcome), ['unchanged', 'unchanged']);
  } finally {
    await kernel.stop();
  }
});

test('a file changed on disk is restored; a file the document changed is updated in place', async () => {
  writeFileSync(path.join(out, 'etc/motd'), 'tampered\n');
  const toolBefore = statSync(path.join(out, 'bin/tool')).ino;
  const kernel = await boot(document({ toolMode: "'0700'" }));
  try {
    assert.is(readFileSync(path.join(out, 'etc/motd'), 'utf8'), 'hello\n');
    assert.is(statSync(path.join(out, 'bin/tool')).mode & 0o7777, 0o700);
    assert.is(statSync(path.join(out, 'bin/tool')).ino, toolBefore, 'only the mode changed, so the file stays');
    const applied = await report(kernel);
    assert.equal(applied.files.map((f) => [f.outcome, f.changes]), [['restored', ['content']], ['updated', ['mode']]]);
  } finally {
    await kernel.stop();
  }
});

test('a document that cannot be applied stops the node with its line and key, having written nothing', async () => {
  const fresh = tempDir('flotilla-cloud-config-bad-');
  try {
    const target = path.join(fresh.path, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'blocker'), 'a file, not a directory\n');
    const badFile = path.join(fresh.path, 'node.yaml');
    const text = (second: string) =>
      `#cloud-config\nwrite_files:\n  - path: ${target}/first\n    content: first\n${second}flotilla:\n  dataDir: ${fresh.path}/data\n  api:\n    port: 0\n`;

    writeFileSync(badFile, text(`  - path: ${target}/second\n    encoding: b64\n    content: "%%%"\n`));
    const invalid = await rejects(() => loadNodeConfig({ file: badFile, env: {}, catalog }), ConfigError);
    assert.equal(invalid.issues.map((i) => `${(i.origin as { line: number }).line}: ${i.path.join('.')}: ${i.message}`), ['7: write_files.1.content: is not valid base64']);

    writeFileSync(badFile, text(`  - path: ${target}/blocker/second\n    content: second\n`));
    const loaded = await loadNodeConfig({ file: badFile, env: {}, catalog });
    const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins });
    const failed = await rejects(() => kernel.start(), PluginStartError);
    assert.is(failed.pluginId, 'cloud-config');
    assert.is(
      failed.message,
      `plugin "cloud-config" failed to start: cannot apply the cloud-config, so nothing was changed: ${badFile}:5:5: write_files[1].path: ${target}/blocker is not a directory`,
    );
    assert.is(kernel.state, 'failed');
    assert.not.ok(existsSync(path.join(target, 'first')), 'the good file was not written either');
  } finally {
    fresh.cleanup();
  }
});

test("a unit whose command fails is that unit's problem: the node runs and the report says why", async () => {
  const fresh = tempDir('flotilla-cloud-config-fail-');
  try {
    const badFile = path.join(fresh.path, 'node.yaml');
    writeFileSync(
      badFile,
      `#cloud-config
coreos:
  units:
    - name: broken.service
      command: start
      content: |
        [Service]
        Type=oneshot
        ExecStart=/bin/false
    - name: idle.service
      command: try-restart
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
flotilla:
  dataDir: ${fresh.path}/data
  api:
    port: 0
`,
    );
    const loaded = await loadNodeConfig({ file: badFile, env: {}, catalog });
    const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins });
    await kernel.start();
    try {
      assert.is(kernel.state, 'running');
      const applied = await report(kernel);
      const [broken, idle] = applied.units;
      assert.is(broken!.command!.result, 'failed');
      assert.match(broken!.command!.reason!, /broken\.service/);
      assert.equal([idle!.command!.result, idle!.command!.reason], ['skipped', 'the unit is not active']);
      assert.is(await activeState(kernel, 'idle.service'), 'inactive');
    } finally {
      await kernel.stop();
    }
  } finally {
    fresh.cleanup();
  }
});

test.after(() => home.cleanup());

test.run();
