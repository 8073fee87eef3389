import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildFrom } from './loader-fixtures.js';

const test = suite('systemd-unit: conditions and asserts');

async function conditions(lines: string[]) {
  const { def } = await buildFrom({ 'app.service': `[Unit]\n${lines.join('\n')}\n[Service]\nExecStart=/bin/app\n` }, 'app.service');
  return { list: def.conditions.map(({ kind, assert, trigger, negate, value, line }) => ({ kind, assert, trigger, negate, value, line })), diagnostics: def.diagnostics };
}

test('the `|` mark comes first, then `!`, each optionally followed by whitespace', async () => {
  const { list, diagnostics } = await conditions([
    'ConditionPathExists=/etc/app.conf',
    'ConditionPathExists=!/etc/app.disabled',
    'ConditionPathIsDirectory=|/srv/a',
    'ConditionPathIsDirectory=|!/srv/b',
    'ConditionDirectoryNotEmpty=| ! /srv/c',
    'AssertFileIsExecutable=/usr/bin/app',
  ]);
  assert.equal(diagnostics, []);
  assert.equal(list, [
    { kind: 'PathExists', assert: false, trigger: false, negate: false, value: '/etc/app.conf', line: 2 },
    { kind: 'PathExists', assert: false, trigger: false, negate: true, value: '/etc/app.disabled', line: 3 },
    { kind: 'PathIsDirectory', assert: false, trigger: true, negate: false, value: '/srv/a', line: 4 },
    { kind: 'PathIsDirectory', assert: false, trigger: true, negate: true, value: '/srv/b', line: 5 },
    { kind: 'DirectoryNotEmpty', assert: false, trigger: true, negate: true, value: '/srv/c', line: 6 },
    { kind: 'FileIsExecutable', assert: true, trigger: false, negate: false, value: '/usr/bin/app', line: 7 },
  ]);
});

test('`!` before `|` leaves the pipe in the path, which is then not absolute', async () => {
  const { list, diagnostics } = await conditions(['ConditionPathExists=!|/x']);
  assert.equal(list, []);
  assert.equal(brief(diagnostics), ["warning app.service:2 ConditionPathExists: path '|/x' is not absolute, ignoring"]);
});

test('every supported kind is kept, with specifiers expanded in the argument', async () => {
  const kinds = [
    'PathExists=/a',
    'PathExistsGlob=/a/*',
    'PathIsDirectory=/a',
    'PathIsSymbolicLink=/a',
    'PathIsReadWrite=/a',
    'DirectoryNotEmpty=/a',
    'FileNotEmpty=/a',
    'FileIsExecutable=/a',
    'Environment=MODE=%p',
    'Host=%H',
    'User=%u',
    'Group=flotilla',
    'Architecture=x86-64',
    'KernelCommandLine=quiet',
    'Virtualization=container',
    'FirstBoot=no',
    'CPUs=>=2',
    'Memory=>=1G',
  ];
  const { list, diagnostics } = await conditions(kinds.map((k) => `Condition${k}`));
  assert.equal(diagnostics, []);
  assert.equal(
    list.map((c) => `${c.kind}=${c.value}`),
    kinds.map((k) => k.replace('%p', 'app').replace('%H', 'node-1.example').replace('%u', 'flotilla')),
  );
  const asserts = await conditions(kinds.map((k) => `Assert${k}`));
  assert.equal(asserts.diagnostics, []);
  assert.ok(asserts.list.every((c) => c.assert));
});

test('an empty Condition…= resets the conditions set so far, an empty Assert…= the asserts', async () => {
  const { list } = await conditions([
    'ConditionPathExists=/one',
    'AssertPathExists=/kept-assert',
    'ConditionHost=host',
    'ConditionPathExists=',
    'ConditionPathExists=/two',
    'AssertUser=root',
    'AssertHost=',
    'AssertPathExists=/after-reset',
  ]);
  assert.equal(
    list.map((c) => `${c.assert ? 'Assert' : 'Condition'}${c.kind}=${c.value}`),
    ['ConditionPathExists=/two', 'AssertPathExists=/after-reset'],
  );
});

test('kinds systemd has but this runtime does not check are warned about and ignored; unknown kinds are unknown keys', async () => {
  const { list, diagnostics } = await conditions([
    'ConditionPathIsMountPoint=/srv',
    'AssertKernelVersion=>=6.0',
    'ConditionFirmware=uefi',
    'AssertFirmware=uefi',
    'ConditionFoo=1',
    'ConditionPathExists=/kept',
  ]);
  assert.equal(list.map((c) => c.value), ['/kept']);
  assert.equal(brief(diagnostics), [
    'warning app.service:2 ConditionPathIsMountPoint: ConditionPathIsMountPoint= is not supported here, ignoring it: the unit starts as if it held',
    'warning app.service:3 AssertKernelVersion: AssertKernelVersion= is not supported here, ignoring it: the unit starts as if it held',
    'warning app.service:4 ConditionFirmware: ConditionFirmware= is not supported here, ignoring it: the unit starts as if it held',
    // systemd 252 has ConditionFirmware= but no AssertFirmware=.
    'warning app.service:5 AssertFirmware: unknown key in section [Unit], ignoring',
    'warning app.service:6 ConditionFoo: unknown key in section [Unit], ignoring',
  ]);
});

test('conditions from drop-ins follow the file’s, with their own file and line', async () => {
  const { def, root } = await buildFrom(
    {
      'app.service': '[Unit]\nConditionPathExists=/a\n[Service]\nExecStart=/bin/app\n',
      'app.service.d/more.conf': '\n[Unit]\nConditionPathExists=\nConditionHost=!db-1\n',
    },
    'app.service',
  );
  assert.equal(def.conditions, [{ kind: 'Host', assert: false, trigger: false, negate: true, value: 'db-1', file: `${root}/app.service.d/more.conf`, line: 4 }]);
});

test('an unknown specifier in a condition is a warning and the condition is ignored', async () => {
  const { list, diagnostics } = await conditions(['ConditionPathExists=/srv/%Z']);
  assert.equal(list, []);
  assert.equal(diagnostics.map((d) => [d.severity, d.line, d.key]), [['warning', 2, 'ConditionPathExists']]);
  assert.match(diagnostics[0]!.message, /%Z/);
});

test.run();
