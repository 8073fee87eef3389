import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../../core/index.js';
import { processesInGroup, processStartTime } from '../../../../plugins/systemd-unit/process/process-group.js';
import { currentBootId, ProcessLedger } from '../../../../plugins/systemd-unit/process/process-ledger.js';
import { ProcessRuntime } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { tempDir } from '../../../support/temp-dir.js';
import { eventually, execSpec, isAlive, killGroup } from './helpers.js';

const test = suite('systemd-unit: process ledger');

const LEDGER_NODE = path.resolve('test/plugins/systemd-unit/process/ledger-node.ts');

/** Starts the ledger node, waits for its unit's group to be up, SIGKILLs it; returns the group. */
function runNodeAndKill(ledgerFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const node = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', LEDGER_NODE, ledgerFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pgid: number | undefined;
    let text = '';
    node.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /^ready (\d+)\n/.exec(text);
      if (match && pgid === undefined) {
        pgid = Number(match[1]);
        node.kill('SIGKILL');
      }
    });
    node.on('error', reject);
    node.on('exit', (_code, signal) => (signal === 'SIGKILL' && pgid !== undefined ? resolve(pgid) : reject(new Error(`ledger node ended on its own (${signal})`))));
  });
}

function recordingLog() {
  const lines: string[] = [];
  const log = {
    info: (_fields: object, message: string) => void lines.push(`info ${message}`),
    warn: (_fields: object, message: string) => void lines.push(`warn ${message}`),
  };
  return { lines, log: log as unknown as Parameters<ProcessLedger['reapLeftovers']>[0] };
}

test('a group left by a SIGKILLed node is stopped on the next start; other processes are not touched', async () => {
  const dir = tempDir();
  const runtime = new ProcessRuntime();
  const bystander = await runtime.spawn(execSpec(['/bin/sleep', '300']));
  let pgid: number | undefined;
  try {
    const file = path.join(dir.path, 'state', 'processes.json');
    pgid = await runNodeAndKill(file);
    const survivors = processesInGroup(pgid);
    assert.is(survivors.length, 3, 'the unit outlived its node');

    const ledger = new ProcessLedger(file);
    const { lines, log } = recordingLog();
    const reaped = await ledger.reapLeftovers(log);
    assert.equal(reaped.map((group) => [group.unit, group.pgid, [...group.pids].sort()]), [['left-behind.service', pgid, [...survivors].sort()]]);
    await eventually(() => survivors.every((pid) => !isAlive(pid)), 'the survivors are gone');
    assert.equal(processesInGroup(pgid), []);
    assert.ok(isAlive(bystander.pid), 'an unrelated process survives');
    assert.ok(lines.some((line) => line.includes('left-behind.service')));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).groups, []);
    assert.equal(await new ProcessLedger(file).reapLeftovers(silentLogger()), []);
  } finally {
    killGroup(pgid);
    killGroup(bystander.pgid);
    dir.cleanup();
  }
});

test('a recycled pgid, another boot and a group still recorded by this run are left alone', async () => {
  const dir = tempDir();
  const runtime = new ProcessRuntime();
  const older = await runtime.spawn(execSpec(['/bin/sleep', '300']));
  const current = await runtime.spawn(execSpec(['/bin/sleep', '300']));
  try {
    const file = path.join(dir.path, 'processes.json');
    const startTime = processStartTime(older.pid)!;
    const bootId = currentBootId();
    const groups = [
      // this group's leader started after `older`, so `older` only has the same pgid by reuse
      { unit: 'recycled.service', pgid: older.pgid, leaderStartTime: startTime + 1, bootId },
      { unit: 'last-boot.service', pgid: current.pgid, leaderStartTime: 0, bootId: 'f'.repeat(32) },
    ];
    writeFileSync(file, JSON.stringify({ version: 1, groups }));
    const ledger = new ProcessLedger(file);
    assert.equal(await ledger.reapLeftovers(silentLogger(), { graceMs: 0 }), []);
    assert.ok(isAlive(older.pid));
    assert.ok(isAlive(current.pid));

    const live = new ProcessLedger(file);
    assert.ok(live.add('current.service', current.pgid));
    live.flush();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).groups.map((g: { unit: string }) => g.unit), ['current.service']);
    live.remove(current.pgid);
    live.flush();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).groups, []);
  } finally {
    killGroup(older.pgid);
    killGroup(current.pgid);
    dir.cleanup();
  }
});

test('a process that ignores SIGTERM is SIGKILLed', async () => {
  const dir = tempDir();
  const runtime = new ProcessRuntime();
  const stubborn = await runtime.spawn(execSpec(['/bin/sh', '-c', 'trap "" TERM; echo trapped; while :; do sleep 1; done']));
  try {
    await new Promise((resolve) => stubborn.stdout.once('data', resolve));
    const file = path.join(dir.path, 'processes.json');
    const recording = new ProcessLedger(file);
    recording.add('stubborn.service', stubborn.pgid);
    recording.flush();
    const { lines, log } = recordingLog();
    const [group] = await new ProcessLedger(file).reapLeftovers(log, { graceMs: 200 });
    assert.is(group?.unit, 'stubborn.service');
    assert.equal(await stubborn.exited, { code: null, signal: 'SIGKILL' });
    assert.ok(lines.some((line) => line.startsWith('warn') && line.includes('SIGKILL')));
  } finally {
    killGroup(stubborn.pgid);
    dir.cleanup();
  }
});

test('an unreadable ledger is reported and replaced', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir.path, 'processes.json');
    writeFileSync(file, '{ torn');
    const { lines, log } = recordingLog();
    assert.equal(await new ProcessLedger(file).reapLeftovers(log), []);
    assert.ok(lines.some((line) => line.startsWith('warn') && line.includes('not valid JSON')));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).groups, []);
  } finally {
    dir.cleanup();
  }
});

test.run();
