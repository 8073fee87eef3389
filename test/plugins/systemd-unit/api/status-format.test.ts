import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRelative, formatTimestamp, formatUnitStatus } from '../../../../plugins/systemd-unit/status-format.js';
import type { UnitStatusDetail } from '../../../../plugins/systemd-unit/unit-control.js';

const format = suite('systemd-unit api: systemctl status layout');

const STARTED = new Date('2026-11-28T01:12:26Z');
const NOW = new Date(STARTED.getTime() + 5 * 60_000 + 7_000);
const plain = { color: false, now: NOW, utc: true };

function detail(overrides: Partial<UnitStatusDetail> = {}): UnitStatusDetail {
  return {
    name: 'app.service',
    description: 'The app',
    loadState: 'loaded',
    activeState: 'inactive',
    subState: 'dead',
    fragmentPath: '/etc/flotilla/units/app.service',
    dropInPaths: [],
    unitFileState: 'enabled',
    result: 'success',
    controlExecs: [],
    restarts: 0,
    conditionResult: true,
    diagnostics: [],
    ...overrides,
  };
}

const running = detail({
  activeState: 'active',
  subState: 'running',
  since: STARTED,
  mainPid: 1235,
  mainExec: { setting: 'ExecStart', text: '/usr/bin/sleep infinity', pid: 1235, startedAt: STARTED },
  controlExecs: [{ setting: 'ExecStartPre', text: '/bin/true', pid: 1234, startedAt: STARTED, exitedAt: STARTED, code: 'exited', status: 0 }],
  dropInPaths: ['/etc/flotilla/units/app.service.d/limits.conf', '/etc/flotilla/units/app.service.d/override.conf', '/run/flotilla/units/app.service.d/runtime.conf'],
  statusText: 'Serving 3 clients',
  tasks: 3,
});

format('a running unit, with drop-ins, a control process, status text, tasks and journal lines', () => {
  const journal = ['Nov 28 01:12:26 node-1 sleep[1235]: started', 'Nov 28 01:13:00 node-1 sleep[1235]: still here'];
  assert.fixture(
    formatUnitStatus(running, journal, plain),
    [
      '● app.service - The app',
      '     Loaded: loaded (/etc/flotilla/units/app.service; enabled)',
      '    Drop-In: /etc/flotilla/units/app.service.d',
      '             └─limits.conf, override.conf',
      '             /run/flotilla/units/app.service.d',
      '             └─runtime.conf',
      '     Active: active (running) since Sat 2026-11-28 01:12:26 UTC; 5min ago',
      '    Process: 1234 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)',
      '   Main PID: 1235 (sleep)',
      '     Status: "Serving 3 clients"',
      '      Tasks: 3',
      '',
      'Nov 28 01:12:26 node-1 sleep[1235]: started',
      'Nov 28 01:13:00 node-1 sleep[1235]: still here',
    ].join('\n'),
  );
});

format('a failed unit: the result, when it stopped, and how its main process ended', () => {
  const failed = detail({
    name: 'broken.service',
    description: 'Always fails',
    activeState: 'failed',
    subState: 'failed',
    result: 'exit-code',
    unitFileState: 'disabled',
    fragmentPath: '/etc/flotilla/units/broken.service',
    inactiveSince: new Date(NOW.getTime() - (2 * 3600 + 3 * 60) * 1000),
    mainExec: { setting: 'ExecStart', text: '/bin/false', pid: 1301, startedAt: STARTED, exitedAt: STARTED, code: 'exited', status: 1 },
    controlExecs: [
      { setting: 'ExecStartPre', text: '/bin/true', pid: 1300, startedAt: STARTED, exitedAt: STARTED, code: 'exited', status: 0 },
      { setting: 'ExecStopPost', text: '/bin/sh -c "exit 2"', pid: 1302, startedAt: STARTED, exitedAt: STARTED, code: 'exited', status: 2 },
    ],
  });
  assert.fixture(
    formatUnitStatus(failed, [], plain),
    [
      '● broken.service - Always fails',
      '     Loaded: loaded (/etc/flotilla/units/broken.service; disabled)',
      '     Active: failed (Result: exit-code) since Fri 2026-11-27 23:14:33 UTC; 2h 3min ago',
      '    Process: 1300 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)',
      '    Process: 1302 ExecStopPost=/bin/sh -c "exit 2" (code=exited, status=2/INVALIDARGUMENT)',
      '   Main PID: 1301 (code=exited, status=1/FAILURE)',
    ].join('\n'),
  );
});

format('signals show as signal=NAME whether recorded by name or number, as systemctl shows them; unnamed codes as the number', () => {
  const killed = (status: number | string) =>
    formatUnitStatus(
      detail({ activeState: 'failed', subState: 'failed', result: 'signal', mainExec: { setting: 'ExecStart', text: '/bin/app', pid: 7, startedAt: STARTED, code: 'killed', status } }),
      [],
      plain,
    ).split('\n');
  assert.ok(killed('SIGKILL').includes('   Main PID: 7 (code=killed, signal=KILL)'));
  assert.ok(killed(9).includes('   Main PID: 7 (code=killed, signal=KILL)'));
  assert.ok(killed('TERM').includes('   Main PID: 7 (code=killed, signal=TERM)'));
  const exited = (status: number) =>
    formatUnitStatus(detail({ mainExec: { setting: 'ExecStart', text: '/bin/app', pid: 7, startedAt: STARTED, code: 'exited', status } }), [], plain).split('\n');
  assert.ok(exited(3).includes('   Main PID: 7 (code=exited, status=3/NOTIMPLEMENTED)'));
  assert.ok(exited(7).includes('   Main PID: 7 (code=exited, status=7/NOTRUNNING)'));
  assert.ok(exited(203).includes('   Main PID: 7 (code=exited, status=203/EXEC)'));
  assert.ok(exited(42).includes('   Main PID: 7 (code=exited, status=42)'));
});

format('an inactive unit that never ran, one whose condition failed, and units that did not load', () => {
  assert.fixture(
    formatUnitStatus(detail({ unitFileState: 'static', description: undefined }), ['-- No entries --'], plain),
    ['● app.service', '     Loaded: loaded (/etc/flotilla/units/app.service; static)', '     Active: inactive (dead)', '', '-- No entries --'].join('\n'),
  );
  const skipped = detail({
    inactiveSince: new Date(NOW.getTime() - 26 * 3600 * 1000),
    conditionResult: false,
    conditionFailed: 'ConditionPathExists=/etc/app.conf',
  });
  assert.fixture(
    formatUnitStatus(skipped, [], plain).split('\n').slice(2).join('\n'),
    [
      '     Active: inactive (dead) since Thu 2026-11-26 23:17:33 UTC; 1 day 2h ago',
      '  Condition: start condition failed at Thu 2026-11-26 23:17:33 UTC; 1 day 2h ago',
      '             └─ ConditionPathExists=/etc/app.conf was not met',
    ].join('\n'),
  );
  const missing = detail({ name: 'ghost.service', description: undefined, loadState: 'not-found', fragmentPath: undefined });
  assert.is(formatUnitStatus(missing, [], plain).split('\n')[1], '     Loaded: not-found (Reason: Unit ghost.service not found.)');
  const bad = detail({ loadState: 'bad-setting' });
  assert.is(formatUnitStatus(bad, [], plain).split('\n')[1], '     Loaded: bad-setting (Reason: Unit app.service has a bad unit file setting.)');
});

format('a control process still running shows as Control:', () => {
  const starting = detail({
    activeState: 'activating',
    subState: 'start-pre',
    controlExecs: [{ setting: 'ExecStartPre', text: '/usr/local/bin/migrate-database-schema --all', pid: 88, startedAt: STARTED }],
  });
  const lines = formatUnitStatus(starting, [], plain).split('\n');
  assert.is(lines[2], '     Active: activating (start-pre)');
  assert.is(lines[3], '    Control: 88 (migrate-databas)');
});

format('with colour: the bullet green when active, red when failed, white otherwise; failures red', () => {
  const green = '\x1b[0;1;32m';
  const red = '\x1b[0;1;31m';
  const white = '\x1b[0;37m';
  const normal = '\x1b[0m';
  const active = formatUnitStatus(running, [], { ...plain, color: true }).split('\n');
  assert.is(active[0], `${green}●${normal} app.service - The app`);
  assert.is(active[6], `     Active: ${green}active (running)${normal} since Sat 2026-11-28 01:12:26 UTC; 5min ago`);
  assert.is(active[7], '    Process: 1234 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)');
  const failed = formatUnitStatus(
    detail({
      activeState: 'failed',
      subState: 'failed',
      result: 'exit-code',
      controlExecs: [{ setting: 'ExecStartPre', text: '/bin/false', pid: 5, startedAt: STARTED, code: 'exited', status: 1 }],
    }),
    [],
    { ...plain, color: true },
  ).split('\n');
  assert.is(failed[0], `${red}●${normal} app.service - The app`);
  assert.is(failed[2], `     Active: ${red}failed (Result: exit-code)${normal}`);
  assert.is(failed[3], `    Process: 5 ExecStartPre=/bin/false ${red}(code=exited, status=1/FAILURE)${normal}`);
  assert.is(formatUnitStatus(detail(), [], { ...plain, color: true }).split('\n')[0], `${white}●${normal} app.service - The app`);
  assert.not.match(formatUnitStatus(running, [], plain), /\x1b/);
});

format('relative times in systemd style', () => {
  const ago = (ms: number) => formatRelative(new Date(NOW.getTime() - ms), NOW);
  const s = 1000;
  const min = 60 * s;
  const h = 60 * min;
  const day = 24 * h;
  assert.is(ago(0), 'now');
  assert.is(ago(250), '250ms ago');
  assert.is(ago(42 * s), '42s ago');
  assert.is(ago(2 * min + 5 * s), '2min 5s ago');
  assert.is(ago(5 * min + 59 * s), '5min ago');
  assert.is(ago(2 * h + 3 * min), '2h 3min ago');
  assert.is(ago(7 * h + 30 * min), '7h ago');
  assert.is(ago(day + 2 * h), '1 day 2h ago');
  assert.is(ago(3 * day + 5 * h), '3 days ago');
  assert.is(ago(8 * day), '1 week 1 day ago');
  assert.is(ago(15 * day), '2 weeks 1 day ago');
  assert.is(ago(45 * day), '1 month 14 days ago');
  assert.is(ago(400 * day), '1 year 1 month ago');
  assert.is(formatRelative(new Date(NOW.getTime() + 90 * s), NOW), '1min 30s left');
});

format('timestamps: weekday, date, time and zone; local time by default', () => {
  assert.is(formatTimestamp(STARTED, true), 'Sat 2026-11-28 01:12:26 UTC');
  const local = formatTimestamp(STARTED, false);
  const two = (n: number) => String(n).padStart(2, '0');
  const expected = `${STARTED.getFullYear()}-${two(STARTED.getMonth() + 1)}-${two(STARTED.getDate())} ${two(STARTED.getHours())}:${two(STARTED.getMinutes())}:${two(STARTED.getSeconds())}`;
  assert.match(local, new RegExp(`^[A-Z][a-z]{2} ${expected} \\S+$`));
  assert.match(formatUnitStatus(running, [], { color: false, now: NOW }), new RegExp(`since [A-Z][a-z]{2} ${expected} \\S+; 5min ago`));
});

format.run();
