import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The fields of /proc/<pid>/stat this layer needs. */
export interface ProcessStat {
  pid: number;
  comm: string;
  /** R, S, D, Z, T, … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks after boot (field 22); with the pid, it names one process for this boot. */
  startTime: number;
}

/**
 * Parses a /proc/<pid>/stat line. comm (field 2) may hold spaces and parentheses, so the fields
 * after it are counted from the last ')'.
 */
export function parseProcessStat(text: string): ProcessStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const stat: ProcessStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '',
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    session: Number(rest[3]),
    startTime: Number(rest[19]),
  };
  return Number.isInteger(stat.pid) && Number.isInteger(stat.pgrp) && Number.isInteger(stat.startTime) ? stat : undefined;
}

/** The stat of one process, or undefined once it is gone. */
export function readProcessStat(pid: number): ProcessStat | undefined {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process of the machine, zombies included. */
export function allProcesses(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcessStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** A zombie has exited; only its parent can reap it, and signals do nothing to it. */
export function isGone(stat: ProcessStat | undefined): boolean {
  return stat === undefined || stat.state === 'Z';
}

/**
 * The live (not zombie) processes of a process group; with `notBefore` (a leader's start time),
 * only those started since, so that a group reusing a recycled pgid is not taken for the old one.
 */
export function processesInGroup(pgid: number, notBefore = 0): number[] {
  if (!groupExists(pgid)) return [];
  return allProcesses()
    .filter((stat) => stat.pgrp === pgid && stat.startTime >= notBefore && !isGone(stat))
    .map((stat) => stat.pid);
}

/** kill(-pgid, 0): cheap, and exact when the answer is no (a zombie member still counts as yes). */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat, or undefined when the process is gone. */
export function processStartTime(pid: number): number | undefined {
  return readProcessStat(pid)?.startTime;
}

/** Signals that a following SIGCONT would undo, or that need none. */
const NO_CONTINUE: ReadonlySet<NodeJS.Signals> = new Set(['SIGKILL', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** process.kill, false instead of ESRCH when there is nobody to signal. */
function sendSignal(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Sends `signal` to a pid (positive) or a process group (negative), then SIGCONT as systemd does
 * after KillSignal=, so that a stopped process gets to handle it. False when nothing was there.
 */
export function signalWithContinue(target: number, signal: NodeJS.Signals): boolean {
  const delivered = sendSignal(target, signal);
  if (delivered && !NO_CONTINUE.has(signal)) sendSignal(target, 'SIGCONT');
  return delivered;
}

/** Signals a whole process group (then SIGCONT); false when the group is empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 1)) throw new RangeError(`not a process group id: ${pgid}`);
  return signalWithContinue(-pgid, signal);
}

export const GROUP_POLL_MS = 50;

/**
 * Polls until `done()` holds; true when it did, false when `timeoutMs` passed or `signal` aborted.
 */
export async function pollUntil(done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    if (signal?.aborted || Date.now() >= deadline) return false;
    try {
      await sleep(Math.min(GROUP_POLL_MS, Math.max(0, deadline - Date.now())), undefined, { signal });
    } catch {
      return false;
    }
  }
}

/** Waits until no live process is left in the group; false on timeout or abort. */
export function waitGroupEmpty(pgid: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return pollUntil(() => processesInGroup(pgid).length === 0, timeoutMs, signal);
}
