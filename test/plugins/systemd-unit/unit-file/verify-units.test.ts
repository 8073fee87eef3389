import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDiagnostic, verifyUnitFiles } from '../../../../plugins/systemd-unit/unit-file/verify.js';
import { DEFAULTS, SPECIFIERS, unitTree } from './loader-fixtures.js';

const test = suite('systemd-unit: verify');

test('each file is checked on its own, with its directory as the search path and its drop-ins applied', async () => {
  const tree = unitTree({
    'good.service': '[Unit]\nDescription=Good\n[Service]\nExecStart=/usr/bin/good\n[Install]\nWantedBy=multi-user.target\n',
    'bad.service': '[Service]\nRestart=sometimes\n',
    'bad.service.d/fix.conf': '[Service]\nExecStart=/usr/bin/bad\nBogus=1\n',
  });
  try {
    const results = await verifyUnitFiles([tree.dir('good.service'), tree.dir('bad.service')], SPECIFIERS, DEFAULTS);
    assert.equal(results.map((r) => r.file), [tree.dir('good.service'), tree.dir('bad.service')]);
    assert.equal(results[0]!.diagnostics, []);
    assert.equal(results[1]!.diagnostics.map(formatDiagnostic), [
      `${tree.dir('bad.service')}:2: Restart=: invalid value 'sometimes' (expected no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always), ignoring`,
      `${tree.dir('bad.service.d/fix.conf')}:3: Bogus=: unknown key in section [Service], ignoring`,
    ]);
  } finally {
    tree.cleanup();
  }
});

test('errors are what makes systemd refuse the unit; a unit-wide one is formatted without a line', async () => {
  const tree = unitTree({ 'empty.service': '[Unit]\nDescription=nothing to run\n' });
  try {
    const [result] = await verifyUnitFiles([tree.dir('empty.service')], SPECIFIERS, DEFAULTS);
    assert.equal(result!.diagnostics.map((d) => d.severity), ['error']);
    assert.is(formatDiagnostic(result!.diagnostics[0]!), `${tree.dir('empty.service')}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`);
  } finally {
    tree.cleanup();
  }
});

test('a template is checked as its instance `i`, as systemd-analyze does', async () => {
  const tree = unitTree({ 'worker@.service': '[Service]\nExecStart=/usr/bin/worker %i\nUser=%i\n' });
  try {
    const [result] = await verifyUnitFiles([tree.dir('worker@.service')], SPECIFIERS, DEFAULTS);
    assert.equal(result!.diagnostics, []);
  } finally {
    tree.cleanup();
  }
});

test('sockets, timers, mounts and the other types not run here are checked, not refused', async () => {
  const tree = unitTree({
    'web.socket': '[Unit]\nDescription=Web socket\n[Socket]\nListenStream=127.0.0.1:8080\nAccept=no\nSocketMode=0600\nExecStartPre=/bin/true\nKillMode=process\nMemoryMax=1G\n[Install]\nWantedBy=sockets.target\n',
    'daily.timer': '[Unit]\nDescription=Daily\n[Timer]\nOnCalendar=daily\nPersistent=true\nRandomizedDelaySec=1h\n',
    'srv-data.mount': '[Mount]\nWhat=/dev/sdb1\nWhere=/srv/data\nType=ext4\nOptions=noatime\n',
    'watch.path': '[Path]\nPathChanged=/etc/app.conf\nUnit=app.service\n',
    'work.slice': '[Slice]\nCPUWeight=50\n',
    'odd.timer': '[Timer]\nOnCalendar=daily\nListenStream=80\n[Service]\nExecStart=/bin/x\n[Unit]\nAfter=good.service name\n',
  });
  try {
    const files = ['web.socket', 'daily.timer', 'srv-data.mount', 'watch.path', 'work.slice', 'odd.timer'].map((f) => tree.dir(f));
    const results = await verifyUnitFiles(files, SPECIFIERS, DEFAULTS);
    for (const result of results.slice(0, 5)) assert.equal(result.diagnostics, [], result.file);
    assert.equal(results[5]!.diagnostics.map((d) => [d.severity, d.line, d.message]), [
      ['warning', 3, 'unknown key in section [Timer], ignoring'],
      ['warning', 4, "Unknown section 'Service'. Ignoring."],
      ['warning', 7, "invalid unit name 'name', ignoring"],
    ]);
  } finally {
    tree.cleanup();
  }
});

test('settings systemd knows but this runtime ignores are listed apart, not as problems', async () => {
  const tree = unitTree({
    'app.service': '[Unit]\nRefuseManualStop=yes\n[Service]\nExecStart=/bin/app\nProtectSystem=strict\nX-Mine=1\nConditionPathExists=/x\n',
  });
  try {
    const [result] = await verifyUnitFiles([tree.dir('app.service')], SPECIFIERS, DEFAULTS);
    assert.equal(
      result!.unsupported.map((u) => [u.section, u.key, u.line]),
      [
        ['Unit', 'RefuseManualStop', 2],
        ['Service', 'ProtectSystem', 5],
      ],
    );
    // A condition key in [Service] is not a [Service] key.
    assert.equal(result!.diagnostics.map((d) => [d.line, d.key]), [[7, 'ConditionPathExists']]);
  } finally {
    tree.cleanup();
  }
});

test('a path that is not a unit file name, or a missing file, is an error', async () => {
  const tree = unitTree({ 'app.conf': '[Service]\n' });
  try {
    const results = await verifyUnitFiles([tree.dir('app.conf'), tree.dir('missing.service')], SPECIFIERS, DEFAULTS);
    assert.equal(results.map((r) => r.diagnostics.map((d) => d.severity)), [['error'], ['error']]);
    assert.match(results[0]!.diagnostics[0]!.message, /not a unit file name/);
    assert.match(results[1]!.diagnostics[0]!.message, /not found/);
  } finally {
    tree.cleanup();
  }
});

const CORPUS = '/lib/systemd/system';

/**
 * The warnings left on this machine's units, by design: condition kinds systemd has and the
 * supervisor does not check (systemd itself prints none of these).
 */
const EXPECTED_WARNING = /^Condition(Capability|ACPower|Security|NeedsUpdate|Credential|PathIsMountPoint|KernelVersion|ControlGroupController|PathIsEncrypted|CPUFeature|OSRelease|Firmware|MemoryPressure|CPUPressure|IOPressure)= is not supported here/;

test('corpus: every unit file in /lib/systemd/system verifies without errors or unknown-key warnings', async () => {
  if (!existsSync(CORPUS)) return;
  const files = readdirSync(CORPUS)
    .filter((name) => /\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)$/.test(name))
    .map((name) => path.join(CORPUS, name));
  const masked = new Set(files.filter((f) => lstatSync(f).isSymbolicLink() && readlinkSync(f) === '/dev/null'));
  const results = await verifyUnitFiles(files, SPECIFIERS, DEFAULTS);
  assert.ok(results.length > 50, 'the corpus has units');
  for (const result of results) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    if (masked.has(result.file)) {
      assert.equal(errors.length, 1, result.file);
      assert.match(errors[0]!, /is masked/);
      continue;
    }
    assert.equal(errors, [], result.file);
    const unexpected = result.diagnostics.filter((d) => d.severity === 'warning' && !EXPECTED_WARNING.test(d.message)).map(formatDiagnostic);
    assert.equal(unexpected, [], result.file);
  }
});

test.run();
