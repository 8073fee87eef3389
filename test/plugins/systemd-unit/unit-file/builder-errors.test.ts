import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildFrom } from './loader-fixtures.js';

const test = suite('systemd-unit: builder errors and warnings');

async function diagnosticsOf(text: string, name = 'app.service') {
  const { def } = await buildFrom({ [name]: text }, name);
  return { def, lines: brief(def.diagnostics) };
}

test('services systemd refuses to load: one error each, against the unit file', async () => {
  const cases: Array<[string, string]> = [
    ['[Service]\nType=simple\n', 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.'],
    ['[Service]\nType=simple\nExecStop=/bin/stop\n', 'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nExecStop=/bin/stop\n', 'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.'],
    ['[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n', 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nType=forking\nExecStart=/bin/a ; /bin/b\n', 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nType=oneshot\nExecStart=/bin/a\nRestart=always\n', "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."],
    ['[Service]\nType=dbus\nExecStart=/bin/a\n', 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.'],
  ];
  for (const [text, message] of cases) {
    const { lines } = await diagnosticsOf(text);
    assert.equal(lines, [`error app.service:0: ${message}`], text);
  }
});

test('services systemd accepts without ExecStart=', async () => {
  for (const text of [
    '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/bin/stop\n',
    '[Unit]\nSuccessAction=exit\n[Service]\nType=oneshot\n',
    '[Service]\nType=oneshot\nExecStart=/bin/a\nRestart=on-failure\n',
  ]) {
    const { lines } = await diagnosticsOf(text);
    assert.equal(lines, [], text);
  }
});

test('bad settings that make the unit unloadable are errors at file:line with the key', async () => {
  const { def, lines } = await diagnosticsOf(
    [
      '[Service]',
      'ExecStart=$PROGRAM --flag',
      'ExecStartPre=/bin/echo %Z',
      'ExecStartPre=-/bin/echo %Z',
      'WorkingDirectory=relative/dir',
      'WorkingDirectory=-also/relative',
      'User=bad:user',
      'Group=65535',
      '',
    ].join('\n'),
  );
  assert.equal(
    def.diagnostics.map((d) => [d.severity, d.line, d.key]),
    [
      ['error', 2, 'ExecStart'],
      ['error', 3, 'ExecStartPre'],
      ['warning', 4, 'ExecStartPre'],
      ['error', 5, 'WorkingDirectory'],
      ['warning', 6, 'WorkingDirectory'],
      ['error', 7, 'User'],
      ['error', 8, 'Group'],
      // ExecStart= was refused, so the service has none.
      ['error', 0, undefined],
    ],
  );
  assert.match(lines[0]!, /variable/);
  assert.match(lines[3]!, /'relative\/dir' is not absolute$/);
  assert.match(lines[5]!, /invalid user name or numeric ID 'bad:user'/);
});

test('invalid values are warnings and the setting keeps its previous value', async () => {
  const { def, lines } = await diagnosticsOf(
    [
      '[Service]',
      'ExecStart=/bin/app',
      'Restart=always',
      'Restart=sometimes',
      'RestartSec=bogus',
      'KillSignal=FOO',
      'TimeoutSec=abc',
      'UMask=999',
      'NotifyAccess=bogus',
      'Type=bogus',
      'RemainAfterExit=maybe',
      'Environment=1A=b OK=1',
      'EnvironmentFile=relative.env',
      'TimeoutStartSec=',
      'LogRateLimitBurst=-1',
      'KillMode=none',
      '',
    ].join('\n'),
  );
  assert.ok(def.diagnostics.every((d) => d.severity === 'warning'));
  assert.equal(
    def.diagnostics.map((d) => [d.line, d.key]),
    [
      [4, 'Restart'],
      [5, 'RestartSec'],
      [6, 'KillSignal'],
      [7, 'TimeoutSec'],
      [8, 'UMask'],
      [9, 'NotifyAccess'],
      [10, 'Type'],
      [11, 'RemainAfterExit'],
      [12, 'Environment'],
      [13, 'EnvironmentFile'],
      [14, 'TimeoutStartSec'],
      [15, 'LogRateLimitBurst'],
      [16, 'KillMode'],
    ],
  );
  assert.match(lines[0]!, /invalid value 'sometimes' \(expected no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always\), ignoring$/);
  const s = def.service!;
  assert.equal(
    [s.restart, s.restartUs, s.killSignal, s.timeoutStartUs, s.umask, s.notifyAccess, s.type, s.remainAfterExit, s.environment, s.environmentFiles, s.killMode],
    ['always', 100_000, 'SIGTERM', 90_000_000, undefined, 'none', 'simple', false, [['OK', '1']], [], 'none'],
  );
});

test('RuntimeMaxSec= on a oneshot service is a unit-wide warning and is dropped', async () => {
  const { def, lines } = await diagnosticsOf('[Service]\nType=oneshot\nExecStart=/bin/a\nRuntimeMaxSec=5\n');
  assert.equal(lines, ['warning app.service:0: RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.']);
  assert.is(def.service?.runtimeMaxUs, Infinity);
});

test('unknown keys and sections warn as systemd does; X- names, [Container] and syntax errors are handled apart', async () => {
  const { def, lines } = await diagnosticsOf(
    [
      '[Unit]',
      'Description=x',
      'Bogus=1',
      'X-Custom=kept',
      '[Service]',
      'ExecStart=/bin/app',
      'ProtectSystem=strict',
      'NotAKey=1',
      'no equals sign here',
      '[Socket]',
      'ListenStream=80',
      '[Foo]',
      'A=b',
      '[X-Fleet]',
      'Global=true',
      '[Container]',
      'Image=docker.io/library/nginx',
      '[Install]',
      'WantedBy=multi-user.target',
      'X-Note=1',
      '',
    ].join('\n'),
  );
  assert.equal(lines, [
    'warning app.service:3 Bogus: unknown key in section [Unit], ignoring',
    'warning app.service:8 NotAKey: unknown key in section [Service], ignoring',
    "error app.service:9: missing '=' in 'no equals sign here', line ignored",
    "warning app.service:10: Unknown section 'Socket'. Ignoring.",
    "warning app.service:12: Unknown section 'Foo'. Ignoring.",
  ]);
  assert.equal(def.sections.get('X-Fleet'), [['Global', 'true']]);
  assert.equal(def.sections.get('Container'), [['Image', 'docker.io/library/nginx']]);
});

test('keys named like object properties are unknown keys, nothing more', async () => {
  const { def, lines } = await diagnosticsOf('[Unit]\nconstructor=1\n[Service]\nExecStart=/bin/a\ntoString=x\n__proto__=y\n[Install]\nhasOwnProperty=z\n');
  assert.equal(lines, [
    'warning app.service:2 constructor: unknown key in section [Unit], ignoring',
    'warning app.service:5 toString: unknown key in section [Service], ignoring',
    'warning app.service:6 __proto__: unknown key in section [Service], ignoring',
    'warning app.service:8 hasOwnProperty: unknown key in section [Install], ignoring',
  ]);
  assert.equal(def.service?.execStart.length, 1);
});

test('a target warns about [Service] and keys in [Target], which has none', async () => {
  const { lines } = await diagnosticsOf('[Unit]\nDescription=t\n[Target]\nA=1\n[Service]\nExecStart=/bin/x\n', 'web.target');
  assert.equal(lines, ['warning web.target:4 A: unknown key in section [Target], ignoring', "warning web.target:5: Unknown section 'Service'. Ignoring."]);
});

test('diagnostics come in file order: the unit file, its drop-ins as applied, then unit-wide problems', async () => {
  const { def } = await buildFrom(
    {
      'app.service': '[Service]\nBogus=1\nExecStart=/bin/a\n',
      'app.service.d/a.conf': '[Service]\nExecStart=/bin/b\nAlsoBogus=2\n',
      'app.service.d/b.conf': 'Early=1\n[Service]\n',
    },
    'app.service',
  );
  assert.equal(brief(def.diagnostics), [
    'warning app.service:2 Bogus: unknown key in section [Service], ignoring',
    'warning a.conf:3 AlsoBogus: unknown key in section [Service], ignoring',
    "error b.conf:1 Early: assignment 'Early=' outside of any section, ignored",
    'error app.service:0: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
  ]);
});

test.run();
