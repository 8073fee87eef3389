import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeExit, exitCause, resultOf, shouldRestart, type ExitCause } from '../../../../plugins/systemd-unit/supervisor/exit-verdict.js';
import { StartLimit } from '../../../../plugins/systemd-unit/supervisor/start-limit.js';
import type { RestartPolicy } from '../../../../plugins/systemd-unit/unit-file/definition.js';

const test = suite('systemd-unit: exit verdicts and Restart=');
const none = { codes: [], signals: [] };

test("the Restart= table of systemd.service: which exit causes restart under which policy", () => {
  const table: Record<ExitCause, RestartPolicy[]> = {
    clean: ['always', 'on-success'],
    'unclean-code': ['always', 'on-failure'],
    'unclean-signal': ['always', 'on-failure', 'on-abnormal', 'on-abort'],
    timeout: ['always', 'on-failure', 'on-abnormal'],
    watchdog: ['always', 'on-failure', 'on-abnormal', 'on-watchdog'],
  };
  const policies: RestartPolicy[] = ['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog'];
  for (const [cause, restarting] of Object.entries(table) as [ExitCause, RestartPolicy[]][]) {
    for (const restart of policies) {
      const rules = { restart, restartPreventExitStatus: none, restartForceExitStatus: none };
      assert.is(shouldRestart(rules, cause), restarting.includes(restart), `${restart} after ${cause}`);
    }
  }
});

test('RestartPreventExitStatus= and RestartForceExitStatus= override the policy', () => {
  const status = { code: 3, signal: null };
  assert.not.ok(shouldRestart({ restart: 'always', restartPreventExitStatus: { codes: [3], signals: [] }, restartForceExitStatus: none }, 'unclean-code', status));
  assert.ok(shouldRestart({ restart: 'no', restartPreventExitStatus: none, restartForceExitStatus: { codes: [3], signals: [] } }, 'unclean-code', status));
  const killed = { code: null, signal: 'SIGUSR1' as const };
  assert.ok(shouldRestart({ restart: 'no', restartPreventExitStatus: none, restartForceExitStatus: { codes: [], signals: ['SIGUSR1'] } }, 'unclean-signal', killed));
});

test('clean exits: 0, SuccessExitStatus=, and SIGHUP/INT/TERM/PIPE except for oneshot', () => {
  assert.is(exitCause({ code: 0, signal: null }, 'simple', none), 'clean');
  assert.is(exitCause({ code: 1, signal: null }, 'simple', none), 'unclean-code');
  assert.is(exitCause({ code: 42, signal: null }, 'simple', { codes: [42], signals: [] }), 'clean');
  assert.is(exitCause({ code: null, signal: 'SIGTERM' }, 'simple', none), 'clean');
  assert.is(exitCause({ code: null, signal: 'SIGTERM' }, 'oneshot', none), 'unclean-signal');
  assert.is(exitCause({ code: null, signal: 'SIGKILL' }, 'simple', none), 'unclean-signal');
  assert.is(exitCause({ code: null, signal: 'SIGUSR2' }, 'simple', { codes: [], signals: ['SIGUSR2'] }), 'clean');
});

test('Result= and the way systemd describes a process end', () => {
  assert.is(resultOf({ code: 1, signal: null }, 'unclean-code'), 'exit-code');
  assert.is(resultOf({ code: null, signal: 'SIGKILL' }, 'unclean-signal'), 'signal');
  assert.is(resultOf({ code: null, signal: 'SIGSEGV' }, 'unclean-signal'), 'core-dump');
  assert.equal(describeExit({ code: 0, signal: null }), { code: 'exited', status: '0/SUCCESS' });
  assert.equal(describeExit({ code: 1, signal: null }), { code: 'exited', status: '1/FAILURE' });
  assert.equal(describeExit({ code: 42, signal: null }), { code: 'exited', status: '42' });
  assert.equal(describeExit({ code: null, signal: 'SIGKILL' }), { code: 'killed', status: '9/KILL' });
});

test('StartLimit: burst starts per interval, then refused until the window moves or a reset', () => {
  const limit = new StartLimit(10_000, 3);
  assert.ok(limit.admit(0));
  assert.ok(limit.admit(1000));
  assert.ok(limit.admit(2000));
  assert.not.ok(limit.admit(3000));
  assert.ok(limit.admit(10_500), 'the first start left the window');
  limit.reset();
  assert.ok(limit.admit(10_600));
  const off = new StartLimit(0, 0);
  for (let i = 0; i < 100; i++) assert.ok(off.admit(i));
});

test.run();
