import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServiceSettings } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { brief, buildFrom, DEFAULTS } from './loader-fixtures.js';

const test = suite('systemd-unit: definition builder defaults');

const SECOND = 1_000_000;

test('a minimal service gets systemd’s defaults', async () => {
  const { def, root } = await buildFrom({ 'app.service': '[Service]\nExecStart=/usr/bin/app\n' }, 'app.service');
  assert.equal(def.diagnostics, []);
  assert.is(def.name, 'app.service');
  assert.is(def.kind, 'service');
  assert.is(def.fragmentPath, `${root}/app.service`);
  assert.equal(def.dropInPaths, []);
  assert.is(def.description, undefined);
  assert.equal(def.documentation, []);
  assert.is(def.defaultDependencies, true);
  assert.is(def.stopWhenUnneeded, false);
  assert.equal(def.conditions, []);
  assert.is(def.startLimitIntervalUs, DEFAULTS.startLimitIntervalUs);
  assert.is(def.startLimitBurst, DEFAULTS.startLimitBurst);
  assert.equal(def.install, { wantedBy: [], requiredBy: [], alias: [], also: [] });
  const { execStart, ...service } = def.service!;
  assert.equal(execStart.map((c) => c.path), ['/usr/bin/app']);
  const expected: Omit<ServiceSettings, 'execStart'> = {
    type: 'simple',
    remainAfterExit: false,
    execCondition: [],
    execStartPre: [],
    execStartPost: [],
    execReload: [],
    execStop: [],
    execStopPost: [],
    restart: 'no',
    restartUs: DEFAULTS.restartUs,
    successExitStatus: { codes: [], signals: [] },
    restartPreventExitStatus: { codes: [], signals: [] },
    restartForceExitStatus: { codes: [], signals: [] },
    timeoutStartUs: DEFAULTS.timeoutStartUs,
    timeoutStopUs: DEFAULTS.timeoutStopUs,
    watchdogUs: 0,
    runtimeMaxUs: Infinity,
    killMode: 'control-group',
    killSignal: 'SIGTERM',
    finalKillSignal: 'SIGKILL',
    watchdogSignal: 'SIGABRT',
    sendSIGKILL: true,
    sendSIGHUP: false,
    notifyAccess: 'none',
    environment: [],
    environmentFiles: [],
    standardOutput: 'journal',
    standardError: 'inherit',
  };
  assert.equal(service, expected);
});

test('Type= defaults to oneshot without ExecStart=, with the start timeout disabled unless set', async () => {
  const { def } = await buildFrom({ 'setup.service': '[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n' }, 'setup.service');
  assert.equal(def.diagnostics, []);
  assert.is(def.service?.type, 'oneshot');
  assert.is(def.service?.timeoutStartUs, Infinity);
  assert.is(def.service?.timeoutStopUs, DEFAULTS.timeoutStopUs);

  const explicit = await buildFrom({ 'job.service': '[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\nTimeoutStartSec=30\n' }, 'job.service');
  assert.equal(explicit.def.diagnostics, []);
  assert.is(explicit.def.service?.timeoutStartUs, 30 * SECOND);
  assert.equal(explicit.def.service?.execStart.map((c) => c.path), ['/bin/a', '/bin/b']);
});

test('Type= defaults to dbus when BusName= is set', async () => {
  const { def } = await buildFrom({ 'bus.service': '[Service]\nBusName=org.example.App\nExecStart=/usr/bin/app\n' }, 'bus.service');
  assert.equal(def.diagnostics, []);
  assert.is(def.service?.type, 'dbus');
});

test('NotifyAccess= becomes main for notify services and services with a watchdog, but an explicit choice stays', async () => {
  const cases: Array<[string, string]> = [
    ['Type=notify', 'main'],
    ['Type=notify-reload', 'main'],
    ['Type=notify\nNotifyAccess=none', 'main'],
    ['Type=notify\nNotifyAccess=all', 'all'],
    ['WatchdogSec=10', 'main'],
    ['Type=forking', 'none'],
  ];
  for (const [settings, access] of cases) {
    const { def } = await buildFrom({ 'n.service': `[Service]\n${settings}\nExecStart=/usr/bin/n\n` }, 'n.service');
    assert.equal(def.diagnostics, [], settings);
    assert.is(def.service?.notifyAccess, access, settings);
  }
});

test('the defaults passed in are the ones used', async () => {
  const defaults = { timeoutStartUs: 5 * SECOND, timeoutStopUs: 6 * SECOND, restartUs: 7 * SECOND, startLimitIntervalUs: 8 * SECOND, startLimitBurst: 9 };
  const { def } = await buildFrom({ 'a.service': '[Service]\nExecStart=/bin/a\n' }, 'a.service', defaults);
  assert.equal(
    [def.service?.timeoutStartUs, def.service?.timeoutStopUs, def.service?.restartUs, def.startLimitIntervalUs, def.startLimitBurst],
    [5 * SECOND, 6 * SECOND, 7 * SECOND, 8 * SECOND, 9],
  );
});

test('a target has no service settings; its [Unit] and [Install] are typed', async () => {
  const { def } = await buildFrom(
    { 'web.target': '[Unit]\nDescription=Web\nWants=a.service b.service\nAfter=a.service\n[Install]\nWantedBy=multi-user.target\n' },
    'web.target',
  );
  assert.equal(def.diagnostics, []);
  assert.is(def.kind, 'target');
  assert.is(def.service, undefined);
  assert.is(def.description, 'Web');
  assert.equal(def.deps.wants, ['a.service', 'b.service']);
  assert.equal(def.deps.after, ['a.service']);
  assert.equal(def.install.wantedBy, ['multi-user.target']);
});

test('hash is sha256 of the texts in order; sections keep every raw pair, X- and runtime sections included', async () => {
  const unit = '[Unit]\nDescription=App %n\nX-Owner=ops\n[Service]\nExecStart=/bin/app\n[X-Fleet]\nMachineOf=db.service\n[Container]\nImage=nginx\n';
  const dropIn = '[Service]\nEnvironment="A=1 2"\n[X-Fleet]\nConflicts=app*\n';
  const { def } = await buildFrom({ 'app.service': unit, 'app.service.d/a.conf': dropIn }, 'app.service');
  assert.equal(def.diagnostics, []);
  assert.is(def.hash, createHash('sha256').update(unit).update(dropIn).digest('hex'));
  assert.equal([...def.sections.keys()], ['Unit', 'Service', 'X-Fleet', 'Container']);
  assert.equal(def.sections.get('Unit'), [
    ['Description', 'App %n'],
    ['X-Owner', 'ops'],
  ]);
  assert.equal(def.sections.get('Service'), [
    ['ExecStart', '/bin/app'],
    ['Environment', '"A=1 2"'],
  ]);
  assert.equal(def.sections.get('X-Fleet'), [
    ['MachineOf', 'db.service'],
    ['Conflicts', 'app*'],
  ]);
  assert.equal(def.sections.get('Container'), [['Image', 'nginx']]);
  assert.is(def.description, 'App app.service');
});

test('masked, missing, badly named and unsupported-type units are errors and inert targets', async () => {
  const masked = await buildFrom({ 'm.service': { link: '/dev/null' } }, 'm.service');
  assert.equal(brief(masked.def.diagnostics), ['error m.service:0: Unit m.service is masked.']);
  assert.is(masked.def.service, undefined);
  const missing = await buildFrom({}, 'gone.service');
  assert.equal(brief(missing.def.diagnostics), ['error gone.service:0: Unit gone.service not found.']);
  const badName = await buildFrom({}, 'no-suffix');
  assert.equal(brief(badName.def.diagnostics), ["error no-suffix:0: invalid unit name 'no-suffix'"]);
  const socket = await buildFrom({ 'a.socket': '[Socket]\nListenStream=80\n' }, 'a.socket');
  assert.equal(brief(socket.def.diagnostics), ["error a.socket:0: unit type '.socket' not supported: only .service and .target units run here"]);
  assert.is(socket.def.kind, 'target');
  for (const { def } of [masked, missing, badName, socket]) assert.is(def.diagnostics[0]?.severity, 'error');
});

test.run();
