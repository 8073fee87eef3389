import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildFrom } from './loader-fixtures.js';

const test = suite('systemd-unit: definition builder settings');

const SECOND = 1_000_000;

async function service(settings: string, unit = '', name = 'app.service') {
  const { def } = await buildFrom({ [name.replace(/@[^.]+\./, '@.')]: `[Unit]\n${unit}\n[Service]\nExecStart=/usr/bin/app\n${settings}\n` }, name);
  return def;
}

test('[Unit]: Description and Documentation, with specifiers; Documentation= empty resets, bad URLs are warned about', async () => {
  const def = await service(
    '',
    'Description=App on %H (%n)\nDocumentation=man:app(8) https://example.com/app\nDocumentation=\nDocumentation=file:/usr/share/doc/%p info:app ftp://nope http:',
  );
  assert.is(def.description, 'App on node-1.example (app.service)');
  assert.equal(def.documentation, ['file:/usr/share/doc/app', 'info:app']);
  assert.equal(brief(def.diagnostics), [
    "warning app.service:5 Documentation: invalid documentation URL 'ftp://nope' (expected http://, https://, file:, info: or man:), ignoring",
    "warning app.service:5 Documentation: invalid documentation URL 'http:' (expected http://, https://, file:, info: or man:), ignoring",
  ]);
});

test('[Unit]: dependency lists split on whitespace, deduplicated, specifiers expanded, templates instantiated', async () => {
  const def = await service(
    '',
    [
      'Requires=db.service  cache.service',
      'Requires=db.service',
      'Wants=helper@%i.service log@.service',
      'Requisite=net.target',
      'BindTo=peer.service',
      'BindsTo=other.service',
      'PartOf=group.target',
      'Upholds=sidecar.service',
      'Conflicts=shutdown.target',
      'After=db.service cache.service',
      'Before=web.target',
      'OnFailure=alert@%p.service',
      'OnSuccess=report.service',
      'Wants=app@one.service',
      'Wants=not_a_unit',
      'After=',
    ].join('\n'),
    'app@one.service',
  );
  assert.equal(def.deps, {
    requires: ['db.service', 'cache.service'],
    // A template gets this unit's instance; the unit itself is not its own dependency.
    wants: ['helper@one.service', 'log@one.service'],
    requisite: ['net.target'],
    bindsTo: ['peer.service', 'other.service'],
    partOf: ['group.target'],
    upholds: ['sidecar.service'],
    conflicts: ['shutdown.target'],
    // An empty assignment does not reset dependencies (systemd.unit(5)).
    after: ['db.service', 'cache.service'],
    before: ['web.target'],
    onFailure: ['alert@app.service'],
    onSuccess: ['report.service'],
  });
  assert.equal(brief(def.diagnostics), ["warning app@.service:16 Wants: invalid unit name 'not_a_unit', ignoring"]);
});

test('[Unit]: a template dependency of a unit that is not an instance takes the unit’s prefix', async () => {
  const def = await service('', 'Wants=fsck@.service', 'disk.service');
  assert.equal(def.deps.wants, ['fsck@disk.service']);
});

test('[Unit]: flags and start limits, including the legacy [Service] spellings', async () => {
  const def = await service('StartLimitBurst=7', 'DefaultDependencies=no\nStopWhenUnneeded=yes\nStartLimitIntervalSec=1min\nStartLimitBurst=3');
  assert.equal(def.diagnostics, []);
  assert.is(def.defaultDependencies, false);
  assert.is(def.stopWhenUnneeded, true);
  assert.is(def.startLimitIntervalUs, 60 * SECOND);
  assert.is(def.startLimitBurst, 7);
  const legacy = await service('StartLimitInterval=0');
  assert.is(legacy.startLimitIntervalUs, 0);
});

test('[Service]: restart, timeouts and kill settings', async () => {
  const def = await service(
    [
      'Restart=on-failure',
      'RestartSec=2s 500ms',
      'TimeoutSec=20',
      'TimeoutStopSec=infinity',
      'WatchdogSec=30s',
      'RuntimeMaxSec=1h',
      'KillMode=mixed',
      'KillSignal=SIGINT',
      'RestartKillSignal=HUP',
      'FinalKillSignal=3',
      'WatchdogSignal=SIGUSR1',
      'SendSIGKILL=no',
      'SendSIGHUP=yes',
      'RemainAfterExit=true',
    ].join('\n'),
  );
  assert.equal(def.diagnostics, []);
  const s = def.service!;
  assert.equal(
    [s.restart, s.restartUs, s.timeoutStartUs, s.timeoutStopUs, s.watchdogUs, s.runtimeMaxUs],
    ['on-failure', 2_500_000, 20 * SECOND, Infinity, 30 * SECOND, 3600 * SECOND],
  );
  assert.equal(
    [s.killMode, s.killSignal, s.restartKillSignal, s.finalKillSignal, s.watchdogSignal, s.sendSIGKILL, s.sendSIGHUP, s.remainAfterExit],
    ['mixed', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', false, true, true],
  );
  const zero = await service('TimeoutStartSec=0\nTimeoutStopSec=0');
  assert.equal([zero.service?.timeoutStartUs, zero.service?.timeoutStopUs], [Infinity, Infinity]);
});

test('[Service]: exit status sets accumulate codes, names and signals; an empty assignment resets', async () => {
  const def = await service(
    [
      'SuccessExitStatus=1 SIGUSR2',
      'SuccessExitStatus=TEMPFAIL 250 SIGKILL bogus',
      'RestartPreventExitStatus=3',
      'RestartPreventExitStatus=',
      'RestartPreventExitStatus=4 SIGTERM',
      'RestartForceExitStatus=DATAERR',
    ].join('\n'),
  );
  assert.equal(def.service?.successExitStatus, { codes: [1, 75, 250], signals: ['SIGUSR2', 'SIGKILL'] });
  assert.equal(def.service?.restartPreventExitStatus, { codes: [4], signals: ['SIGTERM'] });
  assert.equal(def.service?.restartForceExitStatus, { codes: [65], signals: [] });
  assert.equal(brief(def.diagnostics).length, 1);
  assert.match(brief(def.diagnostics)[0]!, /^warning app\.service:6 SuccessExitStatus: .*'bogus'.*ignoring$/);
});

test('[Service]: environment, working directory, credentials and paths, with specifiers', async () => {
  const def = await service(
    [
      'Environment=OLD=1',
      'Environment=',
      'Environment="GREETING=hello world" HOST=%H',
      'Environment=GREETING=again',
      'EnvironmentFile=/etc/default/app',
      'EnvironmentFile=-%E/app.env',
      'WorkingDirectory=-~',
      'User=%u',
      'Group=1000',
      'UMask=0027',
      'PIDFile=app/%p.pid',
      'SyslogIdentifier=%p-daemon',
      'LogRateLimitIntervalSec=5s',
      'LogRateLimitBurst=200',
    ].join('\n'),
  );
  assert.equal(def.diagnostics, []);
  const s = def.service!;
  assert.equal(s.environment, [
    ['GREETING', 'hello world'],
    ['HOST', 'node-1.example'],
    ['GREETING', 'again'],
  ]);
  assert.equal(s.environmentFiles, [
    { path: '/etc/default/app', optional: false },
    { path: '/etc/flotilla/app.env', optional: true },
  ]);
  assert.equal(s.workingDirectory, { path: '~', optional: true });
  assert.equal([s.user, s.group, s.umask], ['flotilla', '1000', 0o027]);
  // A relative PIDFile= is under the runtime directory, as systemd puts it under /run.
  assert.is(s.pidFile, '/run/flotilla/app/app.pid');
  assert.is(s.syslogIdentifier, 'app-daemon');
  assert.equal([s.logRateLimitIntervalUs, s.logRateLimitBurst], [5 * SECOND, 200]);

  const reset = await service('EnvironmentFile=/a\nEnvironmentFile=\nWorkingDirectory=/srv/%p\nUser=root\nUser=\nSyslogIdentifier=x\nSyslogIdentifier=');
  assert.equal(reset.service?.environmentFiles, []);
  assert.equal(reset.service?.workingDirectory, { path: '/srv/app', optional: false });
  assert.is(reset.service?.user, undefined);
  assert.is(reset.service?.syslogIdentifier, undefined);
});

test('[Service]: standard output and error', async () => {
  const def = await service('StandardOutput=append:%t/%p.log\nStandardError=journal+console');
  assert.equal([def.service?.standardOutput, def.service?.standardError], ['append:/run/flotilla/app.log', 'journal+console']);
  const values = ['inherit', 'null', 'tty', 'journal', 'kmsg', 'socket', 'fd', 'fd:stdout', 'file:/var/log/a', 'truncate:/tmp/b'];
  for (const value of values) {
    const each = await service(`StandardOutput=${value}`);
    assert.equal(each.diagnostics, [], value);
    assert.is(each.service?.standardOutput, value);
  }
  const obsolete = await service('StandardOutput=syslog\nStandardError=syslog+console');
  assert.equal([obsolete.service?.standardOutput, obsolete.service?.standardError], ['journal', 'journal+console']);
  assert.equal(obsolete.diagnostics.map((d) => d.severity), ['warning', 'warning']);
  const bad = await service('StandardOutput=file:relative.log\nStandardError=loud');
  assert.equal([bad.service?.standardOutput, bad.service?.standardError], ['journal', 'inherit']);
  assert.equal(
    bad.diagnostics.map((d) => [d.severity, d.line, d.key]),
    [
      ['warning', 5, 'StandardOutput'],
      ['warning', 6, 'StandardError'],
    ],
  );
});

test('[Service]: Exec*= lines keep their prefixes, split on `;`, expand specifiers per word and reset on empty', async () => {
  const def = await service(
    [
      'ExecCondition=/usr/bin/check',
      'ExecStartPre=-/usr/bin/prepare %i ; +/usr/bin/mkdir -p "%t/my dir"',
      'ExecStartPre=',
      'ExecStartPre=!/usr/bin/prepare-again',
      'ExecStartPost=@/usr/bin/notify notify-argv0 ready',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'ExecStop=:/usr/bin/stop ${NAME}',
      'ExecStopPost=/usr/bin/cleanup',
    ].join('\n'),
    '',
    'svc@blue.service',
  );
  assert.equal(def.diagnostics, []);
  const s = def.service!;
  assert.equal(s.execCondition.map((c) => c.path), ['/usr/bin/check']);
  assert.equal(
    s.execStartPre.map((c) => [c.path, c.skipCredentials]),
    [['/usr/bin/prepare-again', true]],
  );
  const post = s.execStartPost[0]!;
  assert.equal([post.path, post.argv0, post.args], ['/usr/bin/notify', 'notify-argv0', ['ready']]);
  assert.equal(s.execReload[0]?.args, ['-HUP', '$MAINPID']);
  assert.equal([s.execStop[0]?.noEnvExpansion, s.execStop[0]?.args], [true, ['${NAME}']]);
  assert.is(s.execStop[0]?.line, 11);

  const split = await service('ExecStartPre=-/usr/bin/prepare %i ; +/usr/bin/mkdir -p "%t/my dir"', '', 'svc@blue.service');
  assert.equal(
    split.service?.execStartPre.map((c) => [c.path, c.args, c.ignoreFailure, c.fullPrivileges]),
    [
      ['/usr/bin/prepare', ['blue'], true, false],
      ['/usr/bin/mkdir', ['-p', '/run/flotilla/my dir'], false, true],
    ],
  );
});

test('instance specifiers come from the instance name, escaped and unescaped', async () => {
  const def = await service('Environment=I=%i UNESCAPED=%I PREFIX=%p NAME=%n FULL=%N J=%j', '', 'my-web@srv\\x2d1.service');
  assert.equal(def.diagnostics, []);
  assert.equal(Object.fromEntries(def.service!.environment), {
    I: 'srv\\x2d1',
    UNESCAPED: 'srv-1',
    PREFIX: 'my-web',
    NAME: 'my-web@srv\\x2d1.service',
    FULL: 'my-web@srv\\x2d1',
    J: 'web',
  });
});

test('[Install]: lists reset on empty, specifiers expanded; DefaultInstance=; aliases of an instance get its instance', async () => {
  const template = await buildFrom(
    {
      'worker@.service':
        '[Service]\nExecStart=/usr/bin/worker %i\n[Install]\nWantedBy=old.target\nWantedBy=\nWantedBy=multi-user.target %p.target\nRequiredBy=jobs.target\nAlias=job@.service\nAlso=helper.service\nDefaultInstance=%H\n',
    },
    'worker@.service',
  );
  assert.equal(template.def.install, {
    wantedBy: ['multi-user.target', 'worker.target'],
    requiredBy: ['jobs.target'],
    alias: ['job@.service'],
    also: ['helper.service'],
    defaultInstance: 'node-1.example',
  });
  const instance = await buildFrom({ 'worker@.service': '[Service]\nExecStart=/bin/w\n[Install]\nAlias=job@.service\n' }, 'worker@7.service');
  assert.equal(instance.def.install.alias, ['job@7.service']);
  const wrongType = await buildFrom({ 'a.service': '[Service]\nExecStart=/bin/a\n[Install]\nAlias=a.socket b.service\n' }, 'a.service');
  assert.equal(wrongType.def.install.alias, ['b.service']);
  assert.equal(brief(wrongType.def.diagnostics), ["warning a.service:4 Alias: alias 'a.socket' is not a .service unit, ignoring"]);
});

test.run();
