import { writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { processesInGroup } from '../../../../plugins/systemd-unit/process/process-group.js';
import { UnitJobError } from '../../../../plugins/systemd-unit/unit-control.js';
import { alive, bench, sleep, until, type Bench } from './harness.js';

const test = suite('systemd-unit: service lifecycle');

let b: Bench;
test.before.each(async () => {
  b = await bench();
});
test.after.each(async () => {
  await b.close();
});

test('Type=simple: active at once, Main PID, stop ends the whole process group', async () => {
  b.unit('app.service', '[Unit]\nDescription=Demo app\n[Service]\nExecStart=/bin/sh -c "sleep 300 & sleep 300 & echo hello; wait"\n');
  const status = await b.supervisor.start('app.service');
  assert.is(status.activeState, 'active');
  assert.is(status.subState, 'running');
  assert.is(status.description, 'Demo app');
  const pid = status.mainPid!;
  assert.ok(alive(pid));
  await until('both children', () => processesInGroup(pid).length >= 3);
  const stopped = await b.supervisor.stop('app.service');
  assert.is(stopped.activeState, 'inactive');
  assert.is(stopped.subState, 'dead');
  assert.equal(processesInGroup(pid), []);
  assert.equal(b.states('app.service'), ['activating/start-pre', 'activating/start', 'active/running', 'deactivating/stop-sigterm', 'inactive/dead']);
  await until('the unit output in the journal', async () => (await b.messages('app.service')).includes('hello'));
  const messages = await b.messages('app.service');
  assert.ok(messages.includes('Started Demo app.'));
  assert.ok(messages.includes('Stopped Demo app.'));
});

test('ExecStartPre, ExecStartPost, ExecStop, ExecStopPost run in order with $MAINPID and $SERVICE_RESULT', async () => {
  const log = b.file('order.log');
  const w = (what: string) => `/bin/sh -c 'echo ${what} >> ${log}'`;
  b.unit(
    'seq.service',
    `[Service]\nExecStartPre=${w('pre1')}\nExecStartPre=-/bin/false\nExecStartPre=${w('pre2')}\nExecStart=/bin/sleep 300\nExecStartPost=${w('post')}\nExecStop=/bin/sh -c 'echo stop $$MAINPID >> ${log}; kill $$MAINPID'\nExecStopPost=/bin/sh -c 'echo stoppost $$SERVICE_RESULT >> ${log}'\n`,
  );
  const status = await b.supervisor.start('seq.service');
  await b.supervisor.stop('seq.service');
  assert.equal(b.read('order.log').trim().split('\n'), ['pre1', 'pre2', 'post', `stop ${status.mainPid}`, 'stoppost success']);
  const detail = await b.supervisor.detail('seq.service');
  assert.equal(
    detail.controlExecs.map((e) => [e.setting, e.status]),
    [['ExecStartPre', 0], ['ExecStartPre', 1], ['ExecStartPre', 0], ['ExecStartPost', 0], ['ExecStop', 0], ['ExecStopPost', 0]],
  );
});

test('a failing ExecStartPre fails the start: ExecStart never runs, ExecStopPost does', async () => {
  b.unit('bad.service', `[Service]\nExecStartPre=/bin/sh -c 'exit 3'\nExecStart=/bin/sh -c 'touch ${b.file('started')}; sleep 300'\nExecStopPost=/bin/sh -c 'echo $$SERVICE_RESULT $$EXIT_CODE $$EXIT_STATUS > ${b.file('post')}'\n`);
  try {
    await b.supervisor.start('bad.service');
    assert.unreachable('start should fail');
  } catch (err) {
    assert.instance(err, UnitJobError);
    assert.match((err as Error).message, /Job for bad.service failed because the control process exited with error code/);
  }
  const detail = await b.supervisor.detail('bad.service');
  assert.is(detail.activeState, 'failed');
  assert.is(detail.result, 'exit-code');
  assert.not.ok(b.exists('started'));
  assert.is(b.read('post').trim(), 'exit-code exited 3');
});

test('Type=oneshot runs its ExecStart lines in turn; RemainAfterExit keeps it active (exited)', async () => {
  const log = b.file('oneshot.log');
  b.unit('once.service', `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo one >> ${log}'\nExecStart=/bin/sh -c 'echo two >> ${log}'\n`);
  b.unit('kept.service', `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\nExecStop=/bin/sh -c 'echo stopped >> ${log}'\n`);
  const once = await b.supervisor.start('once.service');
  assert.is(`${once.activeState}/${once.subState}`, 'inactive/dead');
  assert.equal(b.read('oneshot.log').trim().split('\n'), ['one', 'two']);
  const kept = await b.supervisor.start('kept.service');
  assert.is(`${kept.activeState}/${kept.subState}`, 'active/exited');
  await b.supervisor.stop('kept.service');
  assert.equal(b.read('oneshot.log').trim().split('\n'), ['one', 'two', 'stopped']);
});

test('Type=exec fails the start when the program cannot be executed; Type=simple reports it as the main process exiting', async () => {
  b.unit('exec.service', '[Service]\nType=exec\nExecStart=/nonexistent/program\n');
  try {
    await b.supervisor.start('exec.service');
    assert.unreachable('start should fail');
  } catch (err) {
    assert.instance(err, UnitJobError);
    assert.match((err as Error).message, /nonexistent\/program/);
  }
  const detail = await b.supervisor.detail('exec.service');
  assert.is(detail.activeState, 'failed');
  assert.is(detail.mainExec?.status, 203);
});

test('Type=notify: active only after READY=1; STATUS= and MAINPID= are taken', async () => {
  const script = `import os, socket, time\ntime.sleep(0.3)\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b'READY=1\\nSTATUS=Serving requests', os.environ['NOTIFY_SOCKET'])\ntime.sleep(300)\n`;
  writeFileSync(b.file('notify.py'), script);
  b.unit('notify.service', `[Service]\nType=notify\nExecStart=/usr/bin/python3 ${b.file('notify.py')}\n`);
  const started = Date.now();
  const status = await b.supervisor.start('notify.service');
  assert.ok(Date.now() - started >= 250, 'start waited for READY=1');
  assert.is(status.activeState, 'active');
  const detail = await b.supervisor.detail('notify.service');
  assert.is(detail.statusText, 'Serving requests');
  assert.equal(b.states('notify.service').slice(0, 3), ['activating/start-pre', 'activating/start', 'active/running']);
});

test('Type=notify with User=nobody: the unit runs as nobody and still reaches its notify socket', async () => {
  const script = `import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(('READY=1\\nSTATUS=uid %d' % os.getuid()).encode(), os.environ['NOTIFY_SOCKET'])\nimport time\ntime.sleep(300)\n`;
  writeFileSync(b.file('nobody.py'), script);
  b.unit('nobody.service', `[Service]\nType=notify\nUser=nobody\nTimeoutStartSec=10\nExecStart=/usr/bin/python3 ${b.file('nobody.py')}\n`);
  const status = await b.supervisor.start('nobody.service');
  assert.is(status.activeState, 'active');
  assert.is((await b.supervisor.detail('nobody.service')).statusText, 'uid 65534');
});

test('Type=notify that never reports ready fails with Result=timeout after TimeoutStartSec', async () => {
  b.unit('slow.service', '[Service]\nType=notify\nTimeoutStartSec=300ms\nExecStart=/bin/sleep 300\n');
  try {
    await b.supervisor.start('slow.service');
    assert.unreachable('start should time out');
  } catch (err) {
    assert.match((err as Error).message, /timeout/);
  }
  const detail = await b.supervisor.detail('slow.service');
  assert.is(detail.activeState, 'failed');
  assert.is(detail.result, 'timeout');
});

test('Type=forking with PIDFile=: the daemon is the main process', async () => {
  const pidFile = b.file('daemon.pid');
  b.unit('fork.service', `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=/bin/sh -c 'sleep 300 & echo $$! > ${pidFile}'\n`);
  const status = await b.supervisor.start('fork.service');
  assert.is(status.activeState, 'active');
  const daemon = Number(b.read('daemon.pid'));
  assert.is(status.mainPid, daemon);
  await b.supervisor.stop('fork.service');
  await until('daemon gone', () => !alive(daemon));
});

test('a stop that SIGTERM does not end escalates to SIGKILL after TimeoutStopSec', async () => {
  b.unit('stubborn.service', `[Service]\nTimeoutStopSec=300ms\nExecStart=/bin/sh -c "trap '' TERM; echo > ${b.file('trapped')}; while true; do sleep 0.05; done"\n`);
  const status = await b.supervisor.start('stubborn.service');
  // SIGTERM before the shell ran `trap` would end it at once: a loaded machine is slow to get there.
  await until('the TERM trap set', () => b.exists('trapped'));
  const stopped = await b.supervisor.stop('stubborn.service');
  assert.not.ok(alive(status.mainPid!));
  assert.ok(b.states('stubborn.service').includes('deactivating/stop-sigkill'));
  assert.is(stopped.activeState, 'failed');
  assert.is((await b.supervisor.detail('stubborn.service')).result, 'timeout');
});

test('KillMode=process signals only the main process and leaves the rest running', async () => {
  b.unit('proc.service', `[Service]\nKillMode=process\nExecStart=/bin/sh -c 'sleep 300 & echo $$! > ${b.file('child.pid')}; wait'\n`);
  await b.supervisor.start('proc.service');
  await until('child pid', () => b.exists('child.pid') && b.read('child.pid').trim() !== '');
  const child = Number(b.read('child.pid'));
  await b.supervisor.stop('proc.service');
  await sleep(200);
  assert.ok(alive(child), 'KillMode=process leaves the child running');
  process.kill(child, 'SIGKILL');
});

test('KillMode=mixed: SIGTERM to the main process, SIGKILL to the rest once it is gone', async () => {
  b.unit('mixed.service', `[Service]\nKillMode=mixed\nTimeoutStopSec=30\nExecStart=/bin/sh -c "sh -c 'trap \\"\\" TERM; echo \\$\\$ > ${b.file('stubborn.pid')}; while true; do sleep 0.05; done' & wait"\n`);
  await b.supervisor.start('mixed.service');
  await until('child pid', () => b.exists('stubborn.pid') && b.read('stubborn.pid').trim() !== '');
  const child = Number(b.read('stubborn.pid'));
  const stopped = await b.supervisor.stop('mixed.service');
  assert.is(stopped.activeState, 'inactive');
  assert.not.ok(b.states('mixed.service').includes('deactivating/stop-sigkill'), 'no wait for TimeoutStopSec');
  await until('child killed', () => !alive(child));
});

test('a unit that forks a thousand children is stopped completely', async () => {
  b.unit('many.service', `[Service]\nExecStart=/bin/sh -c 'for i in $$(seq 1000); do sleep 300 & done; wait'\n`);
  const status = await b.supervisor.start('many.service');
  await until('a thousand children', () => processesInGroup(status.mainPid!).length > 1000, 30_000);
  await b.supervisor.stop('many.service');
  assert.equal(processesInGroup(status.mainPid!), []);
});

test('Environment=, EnvironmentFile= (which overrides) and $VAR / ${VAR} expansion, no shell', async () => {
  const envFile = b.file('env');
  writeFileSync(envFile, 'B=from-file\nC="two words"\n');
  b.unit('env.service', `[Service]\nType=oneshot\nEnvironment="A=one two" B=from-unit\nEnvironmentFile=${envFile}\nEnvironmentFile=-${b.file('missing')}\nExecStart=/usr/bin/printf '[%%s]' $A \${A} $B $C 'x$$y'\n`);
  await b.supervisor.start('env.service');
  const out = await b.messages('env.service');
  assert.ok(out.includes('[one][two][one two][from-file][two][words][x$y]'), out.join('\n'));
});

test.run();
