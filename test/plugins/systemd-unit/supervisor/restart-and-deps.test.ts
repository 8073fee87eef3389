import { writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnitJobError } from '../../../../plugins/systemd-unit/unit-control.js';
import { bench, sleep, until, type Bench } from './harness.js';

const test = suite('systemd-unit: restart, start limit, dependencies');

let b: Bench;
test.before.each(async () => {
  b = await bench();
});
test.after.each(async () => {
  await b.close();
});

const jobError = async (work: Promise<unknown>): Promise<UnitJobError> => {
  try {
    await work;
  } catch (err) {
    assert.instance(err, UnitJobError);
    return err as UnitJobError;
  }
  throw new Error('expected the job to fail');
};

test('Restart=on-failure restarts a crashing service until the start limit, then it is failed (start-limit-hit)', async () => {
  b.unit('crash.service', '[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n[Service]\nRestart=on-failure\nRestartSec=0\nExecStart=/bin/sh -c "sleep 0.05; exit 2"\n');
  await b.supervisor.start('crash.service');
  await until('failed', async () => (await b.supervisor.status('crash.service')).activeState === 'failed');
  const detail = await b.supervisor.detail('crash.service');
  assert.is(detail.result, 'start-limit-hit');
  assert.is(detail.restarts, 2, 'two restarts after the first start, then the limit');
  assert.ok(b.states('crash.service').includes('activating/auto-restart'));
  const messages = await b.messages('crash.service');
  assert.ok(messages.some((m) => m.includes('Main process exited, code=exited, status=2/FAILURE')));
  await b.supervisor.resetFailed('crash.service');
  assert.is((await b.supervisor.status('crash.service')).activeState, 'inactive');
});

test('Restart=on-failure leaves a clean exit alone; Restart=always restarts it', async () => {
  b.unit('clean.service', '[Service]\nRestart=on-failure\nRestartSec=0\nExecStart=/bin/true\n');
  b.unit('always.service', '[Unit]\nStartLimitBurst=0\n[Service]\nRestart=always\nRestartSec=50ms\nExecStart=/bin/true\n');
  await b.supervisor.start('clean.service');
  await until('clean exit', async () => (await b.supervisor.status('clean.service')).activeState === 'inactive');
  await b.supervisor.start('always.service');
  await until('three restarts', async () => (await b.supervisor.detail('always.service')).restarts >= 3);
  await b.supervisor.stop('always.service');
  const restarts = (await b.supervisor.detail('always.service')).restarts;
  await sleep(200);
  assert.is((await b.supervisor.detail('always.service')).restarts, restarts, 'a manual stop ends the restarts');
  assert.is((await b.supervisor.status('always.service')).activeState, 'inactive');
  assert.is((await b.supervisor.detail('clean.service')).restarts, 0);
});

test('Restart=on-abnormal restarts after a signal, and RestartPreventExitStatus= wins', async () => {
  b.unit('sig.service', `[Service]\nRestart=on-abnormal\nRestartSec=0\nExecStart=/bin/sh -c 'if [ -e ${b.file('second')} ]; then exec sleep 300; fi; touch ${b.file('second')}; kill -KILL $$$$'\n`);
  b.unit('prevent.service', '[Service]\nRestart=always\nRestartSec=0\nRestartPreventExitStatus=7\nExecStart=/bin/sh -c "exit 7"\n');
  await b.supervisor.start('sig.service');
  await until('restarted into sleep', async () => (await b.supervisor.detail('sig.service')).restarts === 1 && (await b.supervisor.status('sig.service')).activeState === 'active');
  await b.supervisor.start('prevent.service');
  await until('failed', async () => (await b.supervisor.status('prevent.service')).activeState === 'failed');
  assert.is((await b.supervisor.detail('prevent.service')).restarts, 0);
});

test('WatchdogSec=: a service that stops pinging is killed with SIGABRT, Result=watchdog, and Restart=on-watchdog restarts it', async () => {
  const ping = `import os, socket, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\nfirst = not os.path.exists('${b.file('ran')}')\nopen('${b.file('ran')}', 'a').close()\ns.sendto(b'READY=1', os.environ['NOTIFY_SOCKET'])\nfor i in range(1000000 if not first else 3):\n    s.sendto(b'WATCHDOG=1', os.environ['NOTIFY_SOCKET'])\n    time.sleep(0.1)\ntime.sleep(300)\n`;
  writeFileSync(b.file('dog.py'), ping);
  b.unit('dog.service', `[Service]\nType=notify\nWatchdogSec=400ms\nRestart=on-watchdog\nRestartSec=0\nExecStart=/usr/bin/python3 ${b.file('dog.py')}\n`);
  await b.supervisor.start('dog.service');
  await until('restarted after the watchdog', async () => (await b.supervisor.detail('dog.service')).restarts === 1, 15_000);
  const messages = await b.messages('dog.service');
  assert.ok(messages.some((m) => m.includes('code=killed, status=6/ABRT')), messages.join('\n'));
  await sleep(800);
  assert.is((await b.supervisor.status('dog.service')).activeState, 'active', 'the second run keeps pinging');
});

test('Requires= with After=: a failing dependency fails the dependent job, which never runs; Wants= does not', async () => {
  b.unit('db.service', '[Service]\nExecStart=/bin/sh -c "exit 1"\nType=exec\nExecStartPre=/bin/false\n');
  b.unit('web.service', `[Unit]\nRequires=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sh -c 'touch ${b.file('web')}; sleep 300'\n`);
  b.unit('cache.service', `[Unit]\nWants=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 300\n`);
  const err = await jobError(b.supervisor.start('web.service'));
  assert.match(err.message, /dependency/);
  assert.not.ok(b.exists('web'));
  assert.is((await b.supervisor.status('web.service')).activeState, 'inactive');
  const cache = await b.supervisor.start('cache.service');
  assert.is(cache.activeState, 'active');
});

test('After= orders starts and reverses for stops; stopping a required unit stops its dependents', async () => {
  const log = b.file('order.log');
  const svc = (name: string, deps: string) =>
    b.unit(name, `[Unit]\n${deps}\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'sleep 0.05; echo start ${name} >> ${log}'\nExecStop=/bin/sh -c 'echo stop ${name} >> ${log}'\n`);
  svc('a.service', 'Requires=b.service\nAfter=b.service');
  svc('b.service', 'Requires=c.service\nAfter=c.service');
  svc('c.service', '');
  await b.supervisor.start('a.service');
  await b.supervisor.stop('c.service');
  assert.equal(b.read('order.log').trim().split('\n'), ['start c.service', 'start b.service', 'start a.service', 'stop a.service', 'stop b.service', 'stop c.service']);
});

test('BindsTo= stops the bound unit when the other one stops on its own; Conflicts= stops the other side', async () => {
  b.unit('dev.service', '[Service]\nExecStart=/bin/sh -c "sleep 0.3"\n');
  b.unit('bound.service', '[Unit]\nBindsTo=dev.service\nAfter=dev.service\n[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('x.service', '[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('y.service', '[Unit]\nConflicts=x.service\n[Service]\nExecStart=/bin/sleep 300\n');
  assert.is((await b.supervisor.start('bound.service')).activeState, 'active');
  assert.is((await b.supervisor.status('dev.service')).activeState, 'active');
  await until('bound unit stopped', async () => (await b.supervisor.status('bound.service')).activeState === 'inactive');
  await b.supervisor.start('x.service');
  await b.supervisor.start('y.service');
  assert.is((await b.supervisor.status('x.service')).activeState, 'inactive');
  await b.supervisor.start('x.service');
  assert.is((await b.supervisor.status('y.service')).activeState, 'inactive', 'the conflict holds from either side');
});

test('Requisite= fails at once when the unit is not active; conditions skip, assertions fail', async () => {
  b.unit('base.service', '[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('req.service', '[Unit]\nRequisite=base.service\nAfter=base.service\n[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('cond.service', '[Unit]\nConditionPathExists=/nonexistent\nConditionEnvironment=PRESENT=yes\n[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('trig.service', '[Unit]\nConditionPathExists=|/nonexistent\nConditionPathIsDirectory=|/tmp\nConditionHost=!no-such-host\n[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('assert.service', '[Unit]\nAssertFileNotEmpty=/nonexistent\n[Service]\nExecStart=/bin/sleep 300\n');
  assert.match((await jobError(b.supervisor.start('req.service'))).message, /requisite/);
  const skipped = await b.supervisor.start('cond.service');
  assert.is(skipped.activeState, 'inactive');
  const detail = await b.supervisor.detail('cond.service');
  assert.is(detail.conditionResult, false);
  assert.is(detail.conditionFailed, 'ConditionPathExists=/nonexistent');
  assert.is((await b.supervisor.start('trig.service')).activeState, 'active');
  assert.match((await jobError(b.supervisor.start('assert.service'))).message, /assertion/);
  b.unit('group.service', '[Unit]\nConditionGroup=root\nConditionGroup=!nogroup\n[Service]\nExecStart=/bin/sleep 300\n');
  b.unit('other-group.service', '[Unit]\nConditionGroup=nogroup\n[Service]\nExecStart=/bin/sleep 300\n');
  assert.is((await b.supervisor.start('group.service')).activeState, 'active', 'groups match by name');
  assert.is((await b.supervisor.start('other-group.service')).activeState, 'inactive');
});

test('enable links the unit into its target; boot starts the enabled units; disable removes the link', async () => {
  b.unit('web.service', '[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\n');
  b.unit('other.service', '[Service]\nExecStart=/bin/sleep 300\n');
  const created = await b.supervisor.enable('web.service');
  assert.equal(created.length, 1);
  assert.match(created[0]!, /multi-user\.target\.wants\/web\.service$/);
  assert.is((await b.supervisor.detail('web.service')).unitFileState, 'enabled');
  await b.supervisor.boot('multi-user.target');
  assert.is((await b.supervisor.status('web.service')).activeState, 'active');
  assert.is((await b.supervisor.status('other.service')).activeState, 'inactive');
  assert.is((await b.supervisor.status('multi-user.target')).activeState, 'active');
  const removed = await b.supervisor.disable('web.service');
  assert.equal(removed, created);
  assert.is((await b.supervisor.detail('web.service')).unitFileState, 'disabled');
});

test('load writes and reloads a unit; a changed file gets a new hash; unload stops and removes it', async () => {
  const first = await b.supervisor.load('new.service', '[Service]\nExecStart=/bin/sleep 300\n');
  assert.is(first.loadState, 'loaded');
  await b.supervisor.start('new.service');
  const second = await b.supervisor.load('new.service', '[Service]\nExecStart=/bin/sleep 301\n');
  assert.is.not(second.hash, first.hash);
  assert.is(second.activeState, 'active', 'a running unit keeps running across a reload');
  await b.supervisor.unload('new.service');
  assert.not.ok(b.exists('units/new.service'));
  assert.not.ok((await b.supervisor.list()).some((u) => u.name === 'new.service'));
});

test('a unit with errors is bad-setting and its start says why', async () => {
  b.unit('broken.service', '[Service]\nType=simple\n');
  const err = await jobError(b.supervisor.start('broken.service'));
  assert.match(err.message, /broken\.service/);
  assert.is((await b.supervisor.status('broken.service')).loadState, 'bad-setting');
});

test.run();
