import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecSpec } from '../../../../core/index.js';
import { isGone, readProcessStat } from '../../../../plugins/systemd-unit/process/process-group.js';

export function execSpec(argv: string[], overrides: Partial<ExecSpec> & { program?: string } = {}): ExecSpec & { program?: string } {
  return { unit: 'test.service', argv, env: { PATH: '/usr/bin:/bin' }, ...overrides };
}

export async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/**
 * Polls `condition` until it holds. The bound only keeps a broken test from hanging; no test
 * depends on how long anything takes.
 */
export async function eventually(condition: () => boolean, what: string, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(20);
  }
}

export function isAlive(pid: number): boolean {
  return !isGone(readProcessStat(pid));
}

/** Cleanup for a process group a test started; never throws. */
export function killGroup(pgid: number | undefined): void {
  if (pgid === undefined || pgid <= 1) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
