import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  parseProcessStat,
  processesInGroup,
  processStartTime,
  readProcessStat,
  signalGroup,
  waitGroupEmpty,
} from '../../../../plugins/systemd-unit/process/process-group.js';
import { ProcessRuntime } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { tempDir } from '../../../support/temp-dir.js';
import { eventually, execSpec, killGroup } from './helpers.js';

const test = suite('systemd-unit: process groups');
const runtime = new ProcessRuntime();

test('stat fields are counted from the last parenthesis of comm', () => {
  const fields = Array.from({ length: 49 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  fields[1] = '1';
  fields[2] = '4242';
  fields[3] = '4242';
  fields[19] = '987654';
  const stat = parseProcessStat(`4243 (a) (b 5 6) ${fields.join(' ')}\n`);
  assert.equal(stat, { pid: 4243, comm: 'a) (b 5 6', state: 'S', ppid: 1, pgrp: 4242, session: 4242, startTime: 987654 });
  assert.is(parseProcessStat('garbage'), undefined);
});

test('a process whose name has spaces and parentheses is found in its group', async () => {
  const dir = tempDir();
  const program = path.join(dir.path, 'x) (y z');
  copyFileSync('/bin/sleep', program);
  const handle = await runtime.spawn(execSpec([program, '300']));
  try {
    const stat = readProcessStat(handle.pid)!;
    assert.is(stat.comm, 'x) (y z');
    assert.is(stat.pgrp, handle.pid);
    assert.is(stat.session, handle.pid);
    assert.equal(processesInGroup(handle.pgid), [handle.pid]);
    assert.is(processStartTime(handle.pid), handle.startTime);
    assert.ok(processStartTime(process.pid)! <= handle.startTime!);
  } finally {
    killGroup(handle.pgid);
    dir.cleanup();
  }
});

test('signalGroup follows the signal with SIGCONT, so a stopped process gets to handle it', async () => {
  const handle = await runtime.spawn(execSpec(['/bin/sh', '-c', 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done']));
  try {
    await new Promise((resolve) => handle.stdout.once('data', resolve));
    handle.stdout.resume();
    process.kill(-handle.pgid, 'SIGSTOP');
    await eventually(() => ['T', 't'].includes(readProcessStat(handle.pid)?.state ?? ''), 'the shell is stopped');
    assert.ok(signalGroup(handle.pgid, 'SIGTERM'));
    assert.equal(await handle.exited, { code: 3, signal: null });
    assert.ok(await waitGroupEmpty(handle.pgid, 30_000));
    assert.is(signalGroup(handle.pgid, 'SIGTERM'), false, 'an empty group is not an error');
  } finally {
    killGroup(handle.pgid);
  }
});

test('waitGroupEmpty gives up on timeout or abort while the group lives', async () => {
  const handle = await runtime.spawn(execSpec(['/bin/sleep', '300']));
  try {
    assert.is(await waitGroupEmpty(handle.pgid, 0), false);
    const abort = new AbortController();
    const waiting = waitGroupEmpty(handle.pgid, 600_000, abort.signal);
    abort.abort();
    assert.is(await waiting, false);
    assert.throws(() => signalGroup(1, 'SIGTERM'), /not a process group id/);
  } finally {
    killGroup(handle.pgid);
  }
});

test.run();
