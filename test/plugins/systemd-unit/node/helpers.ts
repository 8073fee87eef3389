import path from 'node:path';
import { allProcesses, isGone, readProcessStat } from '../../../../plugins/systemd-unit/process/process-group.js';
import { curl, type CurlResponse } from '../../../support/curl.js';

/** The seed's demo unit, loaded by the node tests as the docs load it. */
export const APP_UNIT_FILE = path.resolve(import.meta.dirname, '../../../../config/examples/units/app.1.service');

/** One process of a unit, named by pid, group and start time so that a recycled pid is never taken for it. */
export interface UnitProcess {
  pid: number;
  pgid: number;
  startTime: number;
}

/** The live processes of a group now, each with what names it for this boot. */
export function snapshotGroup(pgid: number): UnitProcess[] {
  return allProcesses()
    .filter((stat) => stat.pgrp === pgid && !isGone(stat))
    .map((stat) => ({ pid: stat.pid, pgid, startTime: stat.startTime }))
    .sort((a, b) => a.pid - b.pid);
}

/** Still running: present in /proc, not a zombie, and the same process as when it was recorded. */
export function isRunning(proc: UnitProcess): boolean {
  const stat = readProcessStat(proc.pid);
  return !isGone(stat) && stat!.startTime === proc.startTime;
}

/** SIGKILL for a process a test recorded, only while it is still that process; never throws. */
export function killRecorded(proc: UnitProcess): void {
  const stat = readProcessStat(proc.pid);
  if (isGone(stat) || stat!.startTime !== proc.startTime || stat!.pgrp !== proc.pgid) return;
  try {
    process.kill(proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** PUT /v1/units/NAME with the file's text, through curl as an operator would send it. */
export function putUnitFile(url: string, name: string, file: string): Promise<CurlResponse> {
  return curl(`${url}/v1/units/${name}`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', `@${file}`]);
}

/** PUT /v1/units/NAME with `text` as the unit file. */
export function putUnitText(url: string, name: string, text: string): Promise<CurlResponse> {
  return curl(`${url}/v1/units/${name}`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', text]);
}

/** POST /v1/units/NAME/VERB (start, stop, enable, …). */
export function unitVerb(url: string, name: string, verb: string): Promise<CurlResponse> {
  return curl(`${url}/v1/units/${name}/${verb}`, ['-X', 'POST']);
}

export const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Polls an asynchronous condition until it holds. The bound only keeps a broken run from hanging; no test depends on it. */
export async function eventuallyAsync(condition: () => Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
