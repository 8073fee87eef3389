import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type UnitStateChange } from '../../../../core/index.js';
import { JournalWritersOf } from '../../../../plugins/journal/journal-writers.js';
import type { JournalStore } from '../../../../plugins/journal/store/journal-store.js';
import { isGone, readProcessStat } from '../../../../plugins/systemd-unit/process/process-group.js';
import { ProcessLedger } from '../../../../plugins/systemd-unit/process/process-ledger.js';
import { ProcessRuntime } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { CommandLauncher } from '../../../../plugins/systemd-unit/supervisor/command-launcher.js';
import { NotifySocketDirectory } from '../../../../plugins/systemd-unit/supervisor/notify-channel.js';
import { UnitCatalog } from '../../../../plugins/systemd-unit/supervisor/unit-catalog.js';
import { UnitSupervisor } from '../../../../plugins/systemd-unit/supervisor/unit-supervisor.js';
import type { SpecifierContext, UnitDefaults } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { tempDir } from '../../../support/temp-dir.js';
import { collect, openStore } from '../../journal/helpers.js';

export const DEFAULTS: UnitDefaults = {
  timeoutStartUs: 10_000_000,
  timeoutStopUs: 5_000_000,
  restartUs: 100_000,
  startLimitIntervalUs: 10_000_000,
  startLimitBurst: 5,
};

export const SPECIFIERS: SpecifierContext = {
  hostname: os.hostname(),
  machineId: 'c'.repeat(32),
  bootId: 'd'.repeat(32),
  user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' },
  runtimeDir: '/run',
  stateDir: '/var/lib',
  cacheDir: '/var/cache',
  logsDir: '/var/log',
  configDir: '/etc',
};

/** A supervisor over a temp unit directory, with a real journal, real processes and a process ledger. */
export interface Bench {
  dir: string;
  units: string;
  supervisor: UnitSupervisor;
  journal: JournalStore;
  changes: UnitStateChange[];
  /** Writes a unit file into the search path. */
  unit(name: string, text: string): void;
  /** A path under the temp dir, for marker files. */
  file(name: string): string;
  read(name: string): string;
  exists(name: string): boolean;
  /** The sub-states `name` went through, as `active/sub`. */
  states(name: string): string[];
  messages(unit: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function bench(defaults: Partial<UnitDefaults> = {}): Promise<Bench> {
  const tmp = tempDir('flotilla-units-');
  const dir = tmp.path;
  // Units with User= reach their notify sockets and scripts in here.
  chmodSync(dir, 0o755);
  const units = path.join(dir, 'units');
  const journal = await openStore(path.join(dir, 'journal'), { flushInterval: '5ms', rateLimitBurst: 0 });
  const writers = new JournalWritersOf(() => journal, 48 * 1024, silentLogger());
  const ledger = new ProcessLedger(path.join(dir, 'processes.json'));
  const runtime = new ProcessRuntime();
  const supervisor = new UnitSupervisor({
    source: new UnitCatalog([units], SPECIFIERS, { ...DEFAULTS, ...defaults }),
    launcher: new CommandLauncher({ runtimes: () => [runtime], writers, recorder: ledger, stderrPriority: 3, log: silentLogger() }),
    notify: new NotifySocketDirectory(path.join(dir, 'n')),
    conditionHost: { hostname: os.hostname(), machineId: SPECIFIERS.machineId, env: { PRESENT: 'yes' } },
    log: silentLogger(),
    onMainExit: (unit, pid, status) => void writers.processExit({ unit, pid, code: status.code, signal: status.signal }),
  });
  const changes: UnitStateChange[] = [];
  supervisor.onStateChange((c) => changes.push(c));
  const events = writers.unitEvents(supervisor);
  mkdirSync(units, { recursive: true });
  return {
    dir,
    units,
    supervisor,
    journal,
    changes,
    unit: (name, text) => writeFileSync(path.join(units, name), text),
    file: (name) => path.join(dir, name),
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    exists: (name) => existsSync(path.join(dir, name)),
    states: (name) => changes.filter((c) => c.name === name).map((c) => `${c.current.activeState}/${c.current.subState}`),
    messages: async (unit) => {
      await journal.flush();
      return (await collect(journal.query({ units: [unit] }))).map((e) => e.fields.MESSAGE ?? '');
    },
    close: async () => {
      await supervisor.shutdown();
      events.dispose();
      await journal.close();
      tmp.cleanup();
    },
  };
}

/** Polls until `check` is true; fails with `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether `pid` runs (a zombie does not). */
export function alive(pid: number): boolean {
  return !isGone(readProcessStat(pid));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
