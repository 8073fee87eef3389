import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../core/index.js';
import { allProcesses, isGone, pollUntil, processesInGroup, readProcessStat, signalWithContinue } from './process-group.js';

/** One unit process group this node started and has not seen end. */
export interface LedgerEntry {
  unit: string;
  pgid: number;
  /** /proc start time of the leader; a process in the group that started earlier is not ours (the pgid was recycled). */
  leaderStartTime: number;
  bootId: string;
}

/** Processes reapLeftovers() stopped, per group. */
export interface ReapedGroup {
  unit: string;
  pgid: number;
  pids: number[];
}

export interface ReapOptions {
  /** How long the SIGTERMed processes get before SIGKILL. */
  graceMs?: number;
}

const LEDGER_VERSION = 1;
const DEFAULT_GRACE_MS = 3000;
/** How long SIGKILLed processes get to disappear before reapLeftovers() returns anyway. */
const KILL_WAIT_MS = 1000;

export function currentBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

function isLedgerEntry(value: unknown): value is LedgerEntry {
  const entry = value as Partial<LedgerEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.unit === 'string' &&
    Number.isInteger(entry.pgid) &&
    entry.pgid! > 1 &&
    Number.isInteger(entry.leaderStartTime) &&
    typeof entry.bootId === 'string'
  );
}

/**
 * The unit process groups this node runs, kept in a file so that a node that was SIGKILLed can
 * stop what it left behind when it starts again. Unit processes lead their own session, so they
 * outlive the node.
 */
export class ProcessLedger {
  private readonly groups = new Map<number, LedgerEntry>();
  /** What the file held when this ledger was opened: the previous run's groups. */
  private readonly leftovers: LedgerEntry[];
  private readonly loadProblem: string | undefined;
  private saveScheduled = false;
  /** Set by close(): the node has stopped and its data directory is no longer this ledger's to write. */
  private closed = false;

  constructor(
    readonly file: string,
    private readonly bootId: string = currentBootId(),
  ) {
    const { entries, problem } = ProcessLedger.load(file);
    this.leftovers = entries;
    this.loadProblem = problem;
  }

  private static load(file: string): { entries: LedgerEntry[]; problem?: string } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
      return { entries: [], problem: `cannot read ${file}: ${(error as Error).message}` };
    }
    try {
      const parsed = JSON.parse(text) as { groups?: unknown };
      const groups = Array.isArray(parsed.groups) ? parsed.groups : [];
      return { entries: groups.filter(isLedgerEntry) };
    } catch (error) {
      return { entries: [], problem: `${file} is not valid JSON: ${(error as Error).message}` };
    }
  }

  /** Groups recorded since this ledger was opened. */
  entries(): LedgerEntry[] {
    return [...this.groups.values()];
  }

  /**
   * Records a unit's process group. `leaderStartTime` defaults to the leader's from /proc; pass it
   * when the leader may already have exited. Undefined when the leader is gone and no time was given.
   */
  add(unit: string, pgid: number, leaderStartTime?: number): LedgerEntry | undefined {
    const startTime = leaderStartTime ?? readProcessStat(pgid)?.startTime;
    if (startTime === undefined) return undefined;
    const entry: LedgerEntry = { unit, pgid, leaderStartTime: startTime, bootId: this.bootId };
    this.groups.set(pgid, entry);
    this.saveSoon();
    return entry;
  }

  /** Forgets a group once nothing is left in it. */
  remove(pgid: number): void {
    if (this.groups.delete(pgid)) this.saveSoon();
  }

  /**
   * Stops the processes the previous run of this node left behind: for each of its groups recorded
   * in this boot, the members that started no earlier than the recorded leader get SIGTERM, then
   * SIGKILL after `graceMs`. Clears those entries from the file.
   */
  async reapLeftovers(log: Pick<Logger, 'info' | 'warn'>, options: ReapOptions = {}): Promise<ReapedGroup[]> {
    if (this.loadProblem) log.warn({ file: this.file }, `process ledger ignored: ${this.loadProblem}`);
    const groups = this.leftovers.filter((entry) => entry.bootId === this.bootId && !this.groups.has(entry.pgid));
    // Members are matched by start time too, so a pgid reused since then is never hit; each pid is
    // signalled on its own rather than through its group for the same reason.
    const members = () => {
      const processes = allProcesses();
      return groups.flatMap((entry) =>
        processes
          .filter((stat) => stat.pgrp === entry.pgid && stat.startTime >= entry.leaderStartTime && stat.pid !== process.pid && !isGone(stat))
          .map((stat) => ({ entry, pid: stat.pid })),
      );
    };
    const reaped = new Map<LedgerEntry, ReapedGroup>();
    const signal = (found: { entry: LedgerEntry; pid: number }[], sig: NodeJS.Signals) => {
      for (const { entry, pid } of found) {
        const group = reaped.get(entry) ?? { unit: entry.unit, pgid: entry.pgid, pids: [] };
        if (!group.pids.includes(pid)) group.pids.push(pid);
        reaped.set(entry, group);
        signalWithContinue(pid, sig);
      }
    };
    signal(members(), 'SIGTERM');
    for (const group of reaped.values()) log.info({ unit: group.unit, pgid: group.pgid, pids: group.pids }, `stopping processes of ${group.unit} left by the previous run`);
    if (reaped.size > 0 && !(await pollUntil(() => members().length === 0, options.graceMs ?? DEFAULT_GRACE_MS))) {
      const survivors = members();
      for (const entry of new Set(survivors.map((found) => found.entry))) {
        const pids = survivors.filter((found) => found.entry === entry).map((found) => found.pid);
        log.warn({ unit: entry.unit, pgid: entry.pgid, pids }, `processes of ${entry.unit} did not stop on SIGTERM; sending SIGKILL`);
      }
      signal(survivors, 'SIGKILL');
      await pollUntil(() => members().length === 0, KILL_WAIT_MS);
    }
    this.leftovers.length = 0;
    this.save();
    return [...reaped.values()];
  }

  /**
   * Writes the ledger one last time, without the groups that have nothing left, and stops writing:
   * what is left in the file is what the next start of the node stops. Called when the plugin stops.
   */
  close(): void {
    if (this.closed) return;
    for (const entry of [...this.groups.values()]) {
      if (processesInGroup(entry.pgid, entry.leaderStartTime).length === 0) this.groups.delete(entry.pgid);
    }
    this.save();
    this.closed = true;
  }

  /**
   * Adds and removes within one turn of the event loop share one write: starting a thousand units
   * writes the file a few times, not a thousand. A node killed within that turn loses only the
   * groups it started in it.
   */
  /** Writes now what is waiting for the next turn. */
  flush(): void {
    if (!this.saveScheduled) return;
    this.saveScheduled = false;
    this.save();
  }

  private saveSoon(): void {
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => this.flush());
  }

  private save(): void {
    if (this.closed) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    // No fsync: the ledger only matters within one boot, and a crash of the machine ends the boot.
    writeFileSync(tmp, `${JSON.stringify({ version: LEDGER_VERSION, groups: [...this.leftovers, ...this.groups.values()] })}\n`);
    renameSync(tmp, this.file);
  }
}
