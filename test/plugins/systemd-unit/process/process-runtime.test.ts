import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { processesInGroup, waitGroupEmpty } from '../../../../plugins/systemd-unit/process/process-group.js';
import { ProcessRuntime, SpawnError, type ProcessHandle } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { rejects } from '../../../support/rejects.js';
import { tempDir } from '../../../support/temp-dir.js';
import { eventually, execSpec, killGroup, readAll } from './helpers.js';

const test = suite('systemd-unit: process runtime');
const runtime = new ProcessRuntime();

/** Runs a spec to completion; returns its stdout, stderr and exit status. */
async function run(spec: ReturnType<typeof execSpec>) {
  let handle: ProcessHandle | undefined;
  try {
    handle = await runtime.spawn(spec);
    const [stdout, stderr, status] = await Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exited]);
    return { stdout, stderr, status, pid: handle.pid };
  } finally {
    killGroup(handle?.pgid);
  }
}

test('argv reaches the program literally, without a shell', async () => {
  const dir = tempDir();
  try {
    const words = ['a b', '$HOME', '*', '; touch injected', '$(touch injected)', '`touch injected`', '>redirected', '|', '&&', "'quoted'", '"dq"', '\\'];
    const { stdout, status } = await run(execSpec(['/usr/bin/printf', '%s\\n', ...words], { cwd: dir.path }));
    assert.equal(status, { code: 0, signal: null });
    assert.equal(stdout.split('\n').slice(0, -1), words);
    assert.not.ok(existsSync(path.join(dir.path, 'injected')));
    assert.not.ok(existsSync(path.join(dir.path, 'redirected')));
  } finally {
    dir.cleanup();
  }
});

test('a bare program name is looked up in the fixed search path, and argv[0] can differ from the program', async () => {
  assert.is((await run(execSpec(['printf', 'found']))).stdout, 'found');
  // the `@` prefix of Exec*=: argv[0] as the process sees it
  const { stdout } = await run(execSpec(['my-name', '-c', 'echo "$0"'], { program: '/bin/sh' }));
  assert.is(stdout, 'my-name\n');
});

test('the environment is exactly the spec, and cwd defaults to /', async () => {
  const dir = tempDir();
  try {
    const env = { A: '1', B: 'x y', EMPTY: '' };
    const { stdout } = await run(execSpec(['/usr/bin/env'], { env, cwd: dir.path }));
    assert.equal(stdout.split('\n').slice(0, -1).sort(), ['A=1', 'B=x y', 'EMPTY=']);
    assert.is((await run(execSpec(['/bin/pwd'], { cwd: dir.path }))).stdout, `${dir.path}\n`);
    assert.is((await run(execSpec(['/bin/pwd']))).stdout, '/\n');
    assert.is((await run(execSpec(['/bin/pwd'], { cwd: '~', user: 'root' }))).stdout, '/root\n');
  } finally {
    dir.cleanup();
  }
});

test('UMask= applies to files the process creates, and the node keeps its own umask', async () => {
  const dir = tempDir();
  const before = process.umask(0o022);
  try {
    await run(execSpec(['/usr/bin/touch', 'a'], { cwd: dir.path, umask: 0o027 }));
    await run(execSpec(['/usr/bin/touch', 'b'], { cwd: dir.path, umask: 0o000 }));
    assert.is(statSync(path.join(dir.path, 'a')).mode & 0o777, 0o640);
    assert.is(statSync(path.join(dir.path, 'b')).mode & 0o777, 0o666);
    assert.is(process.umask(0o022), 0o022);
  } finally {
    process.umask(before);
    dir.cleanup();
  }
});

test('User=nobody runs as uid 65534 with its primary group and systemd’s user variables', async () => {
  const ids = await run(execSpec(['/bin/sh', '-c', 'id -u; id -g; id -G; echo "$HOME $USER $LOGNAME $SHELL"'], { user: 'nobody' }));
  assert.is(ids.stdout, '65534\n65534\n65534\n/nonexistent nobody nobody /usr/sbin/nologin\n');
  const numeric = await run(execSpec(['/bin/sh', '-c', 'id -u; id -g'], { user: '65534', group: 'root' }));
  assert.is(numeric.stdout, '65534\n0\n');
  const overridden = await run(execSpec(['/bin/sh', '-c', 'echo "$HOME"'], { user: 'nobody', env: { HOME: '/srv' } }));
  assert.is(overridden.stdout, '/srv\n');
});

test('a program that cannot be executed rejects with a message naming it', async () => {
  const dir = tempDir();
  try {
    const missing = await rejects(() => runtime.spawn(execSpec(['/nonexistent/prog', 'x'])), SpawnError);
    assert.match(missing.message, 'test.service: failed to execute /nonexistent/prog');
    await rejects(() => runtime.spawn(execSpec(['no-such-program-here'])), /no-such-program-here was not found/);
    await rejects(() => runtime.spawn(execSpec(['/bin/true'], { cwd: path.join(dir.path, 'gone') })), /working directory .*gone does not exist/);
    const script = path.join(dir.path, 'script');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    await rejects(() => runtime.spawn(execSpec([script])), new RegExp(`failed to execute ${script}: permission denied`));
    await rejects(() => runtime.spawn(execSpec(['/bin/true'], { user: 'no-such-user' })), /user no-such-user does not exist/);
  } finally {
    dir.cleanup();
  }
});

test('check() explains what would stop a spawn', async () => {
  const dir = tempDir();
  try {
    const script = path.join(dir.path, 'root-only');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o700);
    assert.equal(await runtime.check(execSpec(['/bin/true'])), { ok: true });
    assert.equal(await runtime.check(execSpec([script])), { ok: true });
    const cases: [ReturnType<typeof execSpec>, RegExp][] = [
      [execSpec(['/nonexistent/prog']), /\/nonexistent\/prog does not exist/],
      [execSpec([dir.path]), /is not a regular file/],
      [execSpec([script], { user: 'nobody' }), /is not executable by uid 65534/],
      [execSpec(['relative/prog']), /neither an absolute path nor a bare program name/],
      [execSpec(['/bin/true'], { user: 'no-such-user' }), /user no-such-user does not exist/],
      [execSpec(['/bin/true'], { group: 'no-such-group' }), /group no-such-group does not exist/],
      [execSpec(['/bin/true'], { user: '40000' }), /no primary group; set Group=/],
      [execSpec([]), /the command line is empty/],
      [execSpec(['/bin/true'], { cwd: 'relative' }), /working directory relative is not an absolute path/],
    ];
    for (const [spec, reason] of cases) {
      const verdict = await runtime.check(spec);
      assert.is(verdict.ok, false, spec.argv.join(' '));
      if (!verdict.ok) assert.match(verdict.reason, reason);
    }
    assert.ok(runtime.accepts(execSpec(['docker', 'run', 'x'])));
  } finally {
    dir.cleanup();
  }
});

test('exit codes and killing signals are reported', async () => {
  assert.equal((await run(execSpec(['/bin/sh', '-c', 'exit 7']))).status, { code: 7, signal: null });
  const handle = await runtime.spawn(execSpec(['/bin/sleep', '300']));
  try {
    assert.is(handle.id, String(handle.pid));
    await handle.kill('SIGTERM');
    assert.equal(await handle.exited, { code: null, signal: 'SIGTERM' });
    await handle.streamsClosed;
    // the pid may be reused now; a later kill of the main process must not reach anyone
    await handle.kill('SIGKILL', 'main');
  } finally {
    killGroup(handle.pgid);
  }
});

test("kill scope 'all' ends a unit that forked 1000 children", async () => {
  const handle = await runtime.spawn(execSpec(['/bin/sh', '-c', 'for i in $(seq 1000); do sleep 300 & done; wait']));
  try {
    assert.is(handle.pgid, handle.pid);
    await eventually(() => processesInGroup(handle.pgid).length >= 1001, 'all 1000 children forked');
    await handle.kill('SIGTERM', 'all');
    assert.equal(await handle.exited, { code: null, signal: 'SIGTERM' });
    assert.ok(await waitGroupEmpty(handle.pgid, 30_000));
    assert.equal(processesInGroup(handle.pgid), []);
  } finally {
    killGroup(handle.pgid);
  }
});

test("kill scope 'all' reaches children that outlive the main process", async () => {
  const handle = await runtime.spawn(execSpec(['/bin/sh', '-c', 'sleep 300 & sleep 300 & exit 0']));
  try {
    assert.equal(await handle.exited, { code: 0, signal: null });
    assert.is(processesInGroup(handle.pgid).length, 2);
    assert.equal(handle.remaining().sort(), processesInGroup(handle.pgid).sort());
    await handle.kill('SIGKILL', 'all');
    assert.ok(await waitGroupEmpty(handle.pgid, 30_000));
    assert.equal(handle.remaining(), []);
    // the sleeps held the pipes open until now
    await handle.streamsClosed;
  } finally {
    killGroup(handle.pgid);
  }
});

test.run();
