import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readProcessStat } from '../../../../plugins/systemd-unit/process/process-group.js';
import { spawnCli, type RunningCli } from '../../../support/cli.js';
import { curl } from '../../../support/curl.js';
import { freePorts } from '../../../support/ports.js';
import { tempDir } from '../../../support/temp-dir.js';
import { eventually } from '../process/helpers.js';
import { isRunning, killRecorded, putUnitText, snapshotGroup, unitVerb, type UnitProcess } from './helpers.js';

// A real `flotilla up` killed with SIGKILL leaves its units' processes running (each unit leads
// its own session); started again on the same data directory, the node stops them before it
// starts anything, and says so.
const test = suite('systemd-unit: a node killed with SIGKILL and started again');

const FORKS = "[Unit]\nDescription=Forks two children\n\n[Service]\nExecStart=/bin/sh -c 'sleep 300 & sleep 300 & wait'\n";
/** The same, enabled: the restarted node starts it afresh once the old processes are gone. */
const KEPT = `${FORKS.replace('Forks two children', 'Forks two children, enabled')}\n[Install]\nWantedBy=multi-user.target\n`;
const UP = /flotilla: node \S+ is up; API at (http:\/\/127\.0\.0\.1:\d+)/;
/** Only keeps a broken run from hanging. */
const HANG_GUARD_MS = 60_000;

interface LogLine {
  level: number;
  msg: string;
  unit?: string;
  pgid?: number;
  pids?: number[];
  groups?: number;
}

function logLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

async function mainPidOf(url: string, unit: string): Promise<number> {
  const answer = await curl(`${url}/v1/units/${unit}`);
  assert.is(answer.status, 200, answer.body);
  const { mainPid } = answer.json();
  assert.type(mainPid, 'number', `${unit} has no main process`);
  return mainPid;
}

/** SIGTERM, then SIGKILL if the node has not exited once the guard runs out; by its PID only. */
async function stopNode(node: RunningCli): Promise<void> {
  const pid = node.child.pid!;
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const guard = setTimeout(() => signal('SIGKILL'), HANG_GUARD_MS);
  await node.exited;
  clearTimeout(guard);
}

test('the leftovers of a SIGKILLed node are stopped when it starts again, before it starts its units', async () => {
  const dir = tempDir('flotilla-units-crash-');
  const [port] = await freePorts(1);
  const configFile = path.join(dir.path, 'node.yaml');
  const config = {
    version: 1,
    node: { name: 'crashy' },
    dataDir: path.join(dir.path, 'data'),
    api: { address: '127.0.0.1', port },
    log: { level: 'info', format: 'json' },
    plugins: { journal: {}, 'systemd-unit': {} },
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const up = () => spawnCli(['up', '--config', configFile], { FORCE_COLOR: '0' });
  const nodes: RunningCli[] = [];
  const recorded: UnitProcess[] = [];
  try {
    // First run: two units whose shells fork two children each; one of them enabled.
    const first = up();
    nodes.push(first);
    const [, url] = await first.waitFor(UP, HANG_GUARD_MS);
    for (const [name, text] of [['forks.service', FORKS], ['kept.service', KEPT]] as const) {
      const loaded = await putUnitText(url!, name, text);
      assert.is(loaded.json().loadState, 'loaded', loaded.body);
      const started = await unitVerb(url!, name, 'start');
      assert.is(started.status, 200, started.body);
    }
    assert.is((await unitVerb(url!, 'kept.service', 'enable')).status, 200);
    const groups: Record<string, UnitProcess[]> = {};
    for (const name of ['forks.service', 'kept.service']) {
      const mainPid = await mainPidOf(url!, name);
      await eventually(() => snapshotGroup(mainPid).length === 3, `${name}: the shell and its two sleeps`, HANG_GUARD_MS);
      groups[name] = snapshotGroup(mainPid);
      recorded.push(...groups[name]!);
      for (const proc of groups[name]!) {
        assert.is(readProcessStat(proc.pid)!.session, mainPid, `${name}: pid ${proc.pid} is in the unit's own session`);
      }
    }

    process.kill(first.child.pid!, 'SIGKILL');
    const killed = await first.exited;
    assert.is(killed.signal, 'SIGKILL');
    for (const proc of recorded) assert.ok(isRunning(proc), `pid ${proc.pid} outlived the node it belonged to`);

    // Second run on the same data directory.
    const second = up();
    nodes.push(second);
    const [, url2] = await second.waitFor(UP, HANG_GUARD_MS);
    // Leftovers are stopped while the plugin starts, so they are gone by the time the node is up.
    for (const proc of recorded) assert.not.ok(isRunning(proc), `pid ${proc.pid} of the previous run still runs`);

    const log = logLines(second.stderr());
    const stopping = log.filter((line) => /^stopping processes of \S+ left by the previous run$/.test(line.msg));
    assert.equal(
      stopping.map((line) => [line.unit, line.pgid, [...line.pids!].sort((a, b) => a - b)]).sort(),
      Object.entries(groups)
        .map(([name, procs]) => [name, procs[0]!.pgid, procs.map((proc) => proc.pid)])
        .sort(),
    );
    const warning = log.find((line) => line.msg === 'stopped processes left by a previous run of this node');
    assert.ok(warning, `no warning about the leftovers:\n${second.stderr()}`);
    assert.is(warning!.level, 40, 'logged as a warning');
    assert.is(warning!.groups, 2);

    // The unit that is not enabled stays down; the enabled one runs again, as new processes.
    const forks = (await curl(`${url2}/v1/units/forks.service`)).json();
    assert.equal([forks.activeState, forks.subState, forks.mainPid], ['inactive', 'dead', undefined]);
    const keptPid = await mainPidOf(url2!, 'kept.service');
    const oldPids = recorded.map((proc) => proc.pid);
    assert.not.ok(oldPids.includes(keptPid), 'kept.service was started afresh');
    await eventually(() => snapshotGroup(keptPid).length === 3, 'kept.service: the new shell and its two sleeps', HANG_GUARD_MS);
    const fresh = snapshotGroup(keptPid);
    recorded.push(...fresh);
    for (const proc of fresh) assert.ok(isRunning(proc), `the restarted unit's pid ${proc.pid} runs`);

    // A clean stop of the node stops the unit it started.
    await stopNode(second);
    assert.is(second.child.exitCode, 0, second.stderr());
    for (const proc of fresh) assert.not.ok(isRunning(proc), `pid ${proc.pid} outlived the node's clean stop`);
  } finally {
    for (const node of nodes) await stopNode(node);
    for (const proc of recorded) killRecorded(proc);
    dir.cleanup();
  }
});

test.run();
