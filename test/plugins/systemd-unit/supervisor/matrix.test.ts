import { readFileSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shouldRestart, type ExitCause } from '../../../../plugins/systemd-unit/supervisor/exit-verdict.js';
import type { RestartPolicy } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { bench, until, type Bench } from './harness.js';

// Type × exit cause × Restart= with a start limit of two starts, on real processes: the final
// state, the result, how many runs there were, and that ExecStartPre= and ExecStopPost= ran each time.
const test = suite('systemd-unit: supervisor matrix');

type Kind = 'simple' | 'exec' | 'notify';
type Cause = 'clean' | 'code' | 'signal';
const KINDS: Kind[] = ['simple', 'exec', 'notify'];
const CAUSES: Cause[] = ['clean', 'code', 'signal'];
const POLICIES: RestartPolicy[] = ['no', 'on-failure', 'always', 'on-abnormal'];
const SHELL_END: Record<Cause, string> = { clean: 'exit 0', code: 'exit 3', signal: 'kill -KILL $$$$' };
const CAUSE_OF: Record<Cause, ExitCause> = { clean: 'clean', code: 'unclean-code', signal: 'unclean-signal' };
const RESULT_OF: Record<Cause, string> = { clean: 'success', code: 'exit-code', signal: 'signal' };

const NOTIFY_SCRIPT = `import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b'READY=1', os.environ['NOTIFY_SOCKET'])
time.sleep(0.05)
cause = sys.argv[1]
if cause == 'clean': sys.exit(0)
if cause == 'code': sys.exit(3)
os.kill(os.getpid(), 9)
`;

let b: Bench;
test.before(async () => {
  b = await bench();
  writeFileSync(b.file('notify.py'), NOTIFY_SCRIPT);
});
test.after(async () => {
  await b.close();
});

const lines = (file: string) => {
  try {
    return readFileSync(b.file(file), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

for (const kind of KINDS) {
  test(`Type=${kind}: every exit cause under every Restart= policy`, async () => {
    for (const cause of CAUSES) {
      for (const restart of POLICIES) {
        const name = `m-${kind}-${cause}-${restart}.service`;
        const log = `${name}.log`;
        const exec = kind === 'notify' ? `/usr/bin/python3 ${b.file('notify.py')} ${cause}` : `/bin/sh -c 'sleep 0.05; ${SHELL_END[cause]}'`;
        b.unit(
          name,
          [
            '[Unit]',
            'StartLimitIntervalSec=60',
            'StartLimitBurst=2',
            '[Service]',
            `Type=${kind}`,
            `Restart=${restart}`,
            'RestartSec=0',
            `ExecStartPre=/bin/sh -c 'echo pre >> ${b.file(log)}'`,
            `ExecStart=${exec}`,
            `ExecStopPost=/bin/sh -c 'echo post $$SERVICE_RESULT >> ${b.file(log)}'`,
            '',
          ].join('\n'),
        );
        const restarts = shouldRestart({ restart, restartPreventExitStatus: { codes: [], signals: [] }, restartForceExitStatus: { codes: [], signals: [] } }, CAUSE_OF[cause]);
        const runs = restarts ? 2 : 1;
        const label = `${name}: `;
        await b.supervisor.start(name);
        await until(`${name} to settle`, async () => {
          const s = await b.supervisor.status(name);
          return (s.activeState === 'inactive' || s.activeState === 'failed') && lines(log).filter((l) => l.startsWith('post')).length === runs;
        });
        const detail = await b.supervisor.detail(name);
        if (restarts) {
          assert.is(detail.activeState, 'failed', `${label}the start limit ends the restarts`);
          assert.is(detail.result, 'start-limit-hit', label);
          assert.is(detail.restarts, 1, label);
          assert.ok(b.states(name).includes('activating/auto-restart'), label);
        } else {
          assert.is(detail.activeState, cause === 'clean' ? 'inactive' : 'failed', label);
          assert.is(detail.result, RESULT_OF[cause], label);
          assert.is(detail.restarts, 0, label);
          assert.not.ok(b.states(name).includes('activating/auto-restart'), label);
        }
        const expected = Array.from({ length: runs }, () => ['pre', `post ${RESULT_OF[cause]}`]).flat();
        assert.equal(lines(log), expected, `${label}ExecStartPre and ExecStopPost once per run`);
        const activeRuns = b.states(name).filter((s) => s === 'active/running').length;
        assert.is(activeRuns, runs, `${label}active once per run`);
      }
    }
  });
}

test.run();
