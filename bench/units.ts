// Unit supervisor benchmark: drives UnitSupervisor in-process, as the systemd-unit plugin wires it
// (unit catalog over a unit directory, command launcher, process runtime, process ledger, a real
// journal taking the units' output and state changes), with real processes.
//   1. Start BENCH_UNITS simple services (`ExecStart=/bin/sleep 3600`, one file each,
//      bench-N.service) and wait until all are active: once with one supervisor.start() per unit
//      issued together (Promise.all), once by starting bench.target, whose .wants/ links pull them
//      all in. Each way runs on a fresh supervisor, so loading the unit files is part of it.
//   2. Stop them all: one supervisor.stop() per unit issued together, and supervisor.shutdown();
//      time until every main process has been reaped.
//   3. The supervisor's CPU time over an idle window (BENCH_UNITS_IDLE seconds, default 10) while
//      all of them run, and its RSS before the units start, while they run and after a full GC.
//   4. Crash-to-restart: a Restart=always service whose main process the benchmark SIGKILLs by PID
//      BENCH_UNITS_RESTARTS times, with RestartSec=0 and RestartSec=100ms (StartLimitBurst=0);
//      from the kill to the new main process active, split into kill → exit seen → spawn → active.
//      RestartSec=0 is also measured while the BENCH_UNITS units run.
//   5. Anchors: the same number of `sleep 3600` started with child_process.spawn directly (detached,
//      stdout and stderr piped) until every 'spawn' event, then SIGTERM by PID until every 'exit';
//      and the crash loop without a supervisor (SIGKILL, spawn again on 'exit', until 'spawn').
//      There is no systemd anchor: that needs systemd as PID 1; the benchmark prints what PID 1 is.
// Knobs: BENCH_UNITS (1000), BENCH_UNITS_RESTARTS (100), BENCH_UNITS_IDLE (10 s).
// Where the supervisor spends its time is read from the outside: the unit catalog, the process
// runtime and the process ledger are wrapped (same objects, timed), so the time spent loading unit
// files, in /proc group scans (ProcessHandle.remaining()) and in ledger writes is printed next to
// the CPU time of the whole process. Prints figures, asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { silentLogger } from '../core/index.js';
import type { Disposable, ExecHandle, ExecRuntime, ExecSpec, RuntimeVerdict, UnitStateChange } from '../core/index.js';
import { journalConfigSchema } from '../plugins/journal/config.js';
import { JournalWritersOf } from '../plugins/journal/journal-writers.js';
import { JournalStore } from '../plugins/journal/store/journal-store.js';
import { systemdUnitConfigSchema } from '../plugins/systemd-unit/config.js';
import { isGone, readProcessStat } from '../plugins/systemd-unit/process/process-group.js';
import { ProcessLedger } from '../plugins/systemd-unit/process/process-ledger.js';
import { ProcessRuntime } from '../plugins/systemd-unit/process/process-runtime.js';
import { CommandLauncher, type ProcessRecorder } from '../plugins/systemd-unit/supervisor/command-launcher.js';
import { NotifySocketDirectory } from '../plugins/systemd-unit/supervisor/notify-channel.js';
import { UnitCatalog } from '../plugins/systemd-unit/supervisor/unit-catalog.js';
import type { SourcedUnit } from '../plugins/systemd-unit/supervisor/unit-source.js';
import { UnitSupervisor } from '../plugins/systemd-unit/supervisor/unit-supervisor.js';
import type { UnitDefaults } from '../plugins/systemd-unit/unit-file/definition.js';
import { hostSpecifierContext } from '../plugins/systemd-unit/unit-file/host-context.js';
import { envNumber, fmt, median, percentile, removeTempDirs, table, tempDir } from './lib/harness.js';

export const description = 'unit supervisor: start/stop of many simple services, idle CPU and RSS, crash-to-restart latency, against bare spawn';

const TARGETS = {
  /** 1,000 units active, first start call to last unit active. */
  startMs: 2000,
  startUnits: 1000,
  /** Restart within this many ms of the exit plus RestartSec=. */
  restartSlackMs: 20,
};
const SLEEP = '/bin/sleep';
const TARGET = 'bench.target';
const CRASH_0 = 'crash-0.service';
const CRASH_100 = 'crash-100ms.service';
const RESTART_100_MS = 100;
/** How long one wait may take before the benchmark gives up on it (and reports it). */
const START_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 300_000;
const RESTART_DEADLINE_MS = 10_000;
/** Pause between one restart and the next kill, so crashes do not come back to back. */
const CRASH_PAUSE_MS = 20;
/** The journal's identity, and the machine ID the units see. */
const JOURNAL_IDENTITY = { machineId: 'a'.repeat(32), bootId: 'b'.repeat(32), hostname: 'bench-node' };

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const unitName = (i: number) => `bench-${i}.service`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const mib = (bytes: number) => fmt(bytes / 2 ** 20, 1);

// ---------------------------------------------------------------------------------------------
// Every process this benchmark causes to exist, by PID and /proc start time, so that whatever is
// left (after an error, say) is killed by PID without hitting a recycled one.

const started = new Map<number, number | undefined>();

function isOurs(pid: number, startTime: number | undefined): boolean {
  const stat = readProcessStat(pid);
  return !isGone(stat) && (startTime === undefined || stat!.startTime === startTime);
}

function killLeftovers(): number {
  let killed = 0;
  for (const [pid, startTime] of started) {
    if (!isOurs(pid, startTime)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // gone in between
    }
  }
  started.clear();
  return killed;
}

// ---------------------------------------------------------------------------------------------
// Timing taps around the unit catalog, the runtime and the ledger

interface Cost {
  calls: number;
  ms: number;
}

const cost = (): Cost => ({ calls: 0, ms: 0 });

function timed<T>(into: Cost, fn: () => T): T {
  const t = now();
  try {
    return fn();
  } finally {
    into.ms += now() - t;
    into.calls++;
  }
}

interface SpawnRecord {
  unit: string;
  pid: number;
  /** When the launcher asked the runtime to spawn. */
  calledAt: number;
  /** When the runtime's spawn() resolved ('spawn' event: the program was executed). */
  spawnedAt: number;
}

/** What the taps saw; reset between phases. */
class Taps {
  spawns = new Map<number, SpawnRecord>();
  lastPidOf = new Map<string, number>();
  /** pid → when the supervisor learned that the main process ended (its onMainExit). */
  exitSeen = new Map<number, number>();
  /** pid → when the handle's `exited` resolved (the child was reaped). */
  reaped = new Map<number, number>();
  scans = cost();
  ledger = cost();
  /** Unit file reads (UnitSource.read); `ms` sums their durations, which overlap when reads do. */
  loads = cost();
  /** First read started → last read finished. */
  loadFirst = Number.NaN;
  loadLast = Number.NaN;

  resetCosts(): void {
    this.scans = cost();
    this.ledger = cost();
    this.loads = cost();
    this.loadFirst = Number.NaN;
    this.loadLast = Number.NaN;
  }
}

/** The unit catalog, with each read timed. */
class TappedCatalog extends UnitCatalog {
  constructor(
    private readonly taps: Taps,
    ...args: ConstructorParameters<typeof UnitCatalog>
  ) {
    super(...args);
  }

  override async read(name: string): Promise<SourcedUnit> {
    const t = now();
    if (!(this.taps.loadFirst <= t)) this.taps.loadFirst = t;
    try {
      return await super.read(name);
    } finally {
      const end = now();
      this.taps.loads.calls++;
      this.taps.loads.ms += end - t;
      if (!(this.taps.loadLast >= end)) this.taps.loadLast = end;
    }
  }
}

/** The ProcessRuntime, with the time of each spawn and of each group scan recorded. */
class TappedRuntime implements ExecRuntime {
  readonly name = 'process';
  private readonly inner = new ProcessRuntime();

  constructor(private readonly taps: Taps) {}

  accepts(spec: ExecSpec): boolean {
    return this.inner.accepts(spec);
  }

  check(spec: ExecSpec): Promise<RuntimeVerdict> {
    return this.inner.check(spec);
  }

  async spawn(spec: ExecSpec): Promise<ExecHandle> {
    const calledAt = now();
    const handle = await this.inner.spawn(spec);
    const spawnedAt = now();
    const pid = handle.pid;
    started.set(pid, handle.startTime);
    this.taps.spawns.set(pid, { unit: spec.unit, pid, calledAt, spawnedAt });
    this.taps.lastPidOf.set(spec.unit, pid);
    void handle.exited.then(() => this.taps.reaped.set(pid, now()));
    const remaining = handle.remaining.bind(handle);
    handle.remaining = () => timed(this.taps.scans, remaining);
    return handle;
  }
}

// ---------------------------------------------------------------------------------------------
// A supervisor as the plugin assembles it

interface Rig {
  supervisor: UnitSupervisor;
  taps: Taps;
  /** supervisor.shutdown(), once. */
  shutdown(): Promise<void>;
  /** Shuts the supervisor down unless that happened already, and closes the journal. */
  close(): Promise<void>;
}

async function assemble(label: string, unitDir: string): Promise<Rig> {
  const dataDir = await tempDir(`units-${label}`);
  const log = silentLogger();
  // Journal defaults (flush every 100 ms, rate limit on) except free-space retention.
  const journalConfig = journalConfigSchema.parse({ keepFree: 0 });
  const journal = await JournalStore.open(path.join(dataDir, 'journal'), journalConfig, JOURNAL_IDENTITY, log);
  const writers = new JournalWritersOf(() => journal, journalConfig.lineMax, log);
  const config = systemdUnitConfigSchema.parse({});
  const defaults: UnitDefaults = {
    timeoutStartUs: config.defaultTimeoutStart * 1000,
    timeoutStopUs: config.defaultTimeoutStop * 1000,
    restartUs: config.defaultRestart * 1000,
    startLimitIntervalUs: config.defaultStartLimitInterval * 1000,
    startLimitBurst: config.defaultStartLimitBurst,
  };
  const taps = new Taps();
  const ledger = new ProcessLedger(path.join(dataDir, 'processes.json'));
  const recorder: ProcessRecorder = {
    add: (unit, pgid, leaderStartTime) => timed(taps.ledger, () => ledger.add(unit, pgid, leaderStartTime)),
    remove: (pgid) => timed(taps.ledger, () => ledger.remove(pgid)),
  };
  const runtime = new TappedRuntime(taps);
  const supervisor = new UnitSupervisor({
    source: new TappedCatalog(taps, [unitDir], hostSpecifierContext(JOURNAL_IDENTITY.machineId), defaults, () => [runtime]),
    launcher: new CommandLauncher({ runtimes: () => [runtime], writers, recorder, stderrPriority: config.stderrPriority, log }),
    notify: new NotifySocketDirectory(path.join(dataDir, 'notify')),
    conditionHost: { hostname: os.hostname(), machineId: JOURNAL_IDENTITY.machineId, env: process.env },
    log,
    onMainExit: (unit, pid, status) => {
      taps.exitSeen.set(pid, now());
      writers.processExit({ unit, pid, code: status.code, signal: status.signal }).catch(() => undefined);
    },
  });
  const events: Disposable = writers.unitEvents(supervisor);
  let shutDown: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  const shutdown = () => (shutDown ??= supervisor.shutdown());
  return {
    supervisor,
    taps,
    shutdown,
    close: () =>
      (closed ??= (async () => {
        await shutdown();
        events.dispose();
        await journal.close();
      })()),
  };
}

// ---------------------------------------------------------------------------------------------
// Unit files

async function writeUnits(count: number): Promise<string> {
  const dir = await tempDir('units-files');
  const wants = path.join(dir, `${TARGET}.wants`);
  mkdirSync(wants);
  for (let i = 0; i < count; i++) {
    const name = unitName(i);
    writeFileSync(path.join(dir, name), `[Unit]\nDescription=Bench unit ${i}\n\n[Service]\nExecStart=${SLEEP} 3600\n`);
    symlinkSync(path.join(dir, name), path.join(wants, name));
  }
  writeFileSync(path.join(dir, TARGET), '[Unit]\nDescription=Every bench unit\n');
  for (const [name, restartSec] of [
    [CRASH_0, '0'],
    [CRASH_100, `${RESTART_100_MS}ms`],
  ] as const) {
    writeFileSync(
      path.join(dir, name),
      `[Unit]\nDescription=Crashes on demand\nStartLimitBurst=0\n\n[Service]\nExecStart=${SLEEP} 3600\nRestart=always\nRestartSec=${restartSec}\n`,
    );
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// 1. Start

interface StartResult {
  how: string;
  units: number;
  active: number;
  /** First start call → last unit active (ms). */
  lastActiveMs: number;
  /** First start call → last main process spawned. */
  lastSpawnedMs: number;
  /** First start call → every start() promise settled. */
  resolvedMs: number;
  failures: string[];
  /** CPU time of this process (user + system) from the first start call to the last unit active. */
  cpuMs: number;
  ledgerMs: number;
  scanMs: number;
  loads: number;
  /** First unit file read started → last one finished. */
  loadSpanMs: number;
}

async function startAll(rig: Rig, names: readonly string[], how: 'concurrent' | 'target'): Promise<StartResult> {
  const pending = new Set(names);
  let lastActive = Number.NaN;
  let allActive!: () => void;
  const done = new Promise<void>((resolve) => (allActive = resolve));
  const watch = rig.supervisor.onStateChange((change: UnitStateChange) => {
    if (change.current.activeState === 'active' && pending.delete(change.name)) {
      lastActive = now();
      if (pending.size === 0) allActive();
    }
  });
  rig.taps.resetCosts();
  const failures: string[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = now();
  if (how === 'concurrent') {
    const outcomes = await Promise.allSettled(names.map((name) => rig.supervisor.start(name)));
    for (const [i, outcome] of outcomes.entries()) if (outcome.status === 'rejected') failures.push(`${names[i]}: ${String(outcome.reason)}`);
  } else {
    await rig.supervisor.start(TARGET).catch((err: unknown) => failures.push(`${TARGET}: ${String(err)}`));
  }
  const resolvedMs = now() - t0;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, START_DEADLINE_MS)))]);
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpu0);
  watch.dispose();
  let lastSpawned = Number.NaN;
  for (const name of names) {
    const pid = rig.taps.lastPidOf.get(name);
    const spawnedAt = pid === undefined ? undefined : rig.taps.spawns.get(pid)?.spawnedAt;
    if (spawnedAt !== undefined && !(spawnedAt <= lastSpawned)) lastSpawned = spawnedAt;
  }
  return {
    how,
    units: names.length,
    active: names.length - pending.size,
    lastActiveMs: pending.size === 0 ? lastActive - t0 : Number.NaN,
    lastSpawnedMs: lastSpawned - t0,
    resolvedMs,
    failures,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ledgerMs: rig.taps.ledger.ms,
    scanMs: rig.taps.scans.ms,
    loads: rig.taps.loads.calls,
    loadSpanMs: rig.taps.loadLast - rig.taps.loadFirst,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Stop

interface StopResult {
  how: string;
  units: number;
  /** Stop call(s) → the last main process reaped (ms). */
  allGoneMs: number;
  /** Stop call(s) → every stop() settled, or shutdown() returned. */
  resolvedMs: number;
  /** Main processes still alive once stop returned and the wait was over. */
  leftover: number;
  /** CPU time of this process until every main process was reaped. */
  cpuMs: number;
  ledgerMs: number;
  scanMs: number;
  scanCalls: number;
}

async function stopAll(rig: Rig, names: readonly string[], how: 'concurrent' | 'shutdown'): Promise<StopResult> {
  const pids = names.map((name) => rig.taps.lastPidOf.get(name)).filter((pid): pid is number => pid !== undefined);
  rig.taps.resetCosts();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  if (how === 'concurrent') await Promise.allSettled(names.map((name) => rig.supervisor.stop(name)));
  else await rig.shutdown();
  const resolvedMs = now() - t0;
  const deadline = now() + STOP_DEADLINE_MS;
  while (pids.some((pid) => !rig.taps.reaped.has(pid)) && now() < deadline) await sleep(10);
  const cpu = process.cpuUsage(cpu0);
  let last = Number.NaN;
  for (const pid of pids) {
    const at = rig.taps.reaped.get(pid);
    if (at !== undefined && !(at <= last)) last = at;
  }
  const leftover = pids.filter((pid) => isOurs(pid, started.get(pid))).length;
  return {
    how,
    units: pids.length,
    allGoneMs: leftover === 0 && pids.every((pid) => rig.taps.reaped.has(pid)) ? last - t0 : Number.NaN,
    resolvedMs,
    leftover,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ledgerMs: rig.taps.ledger.ms,
    scanMs: rig.taps.scans.ms,
    scanCalls: rig.taps.scans.calls,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Idle CPU and memory

interface Idle {
  seconds: number;
  cpuMs: number;
  userMs: number;
  systemMs: number;
  scanCalls: number;
  ledgerCalls: number;
}

async function idleWindow(rig: Rig, seconds: number): Promise<Idle> {
  rig.taps.resetCosts();
  const before = process.cpuUsage();
  const t0 = now();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(before);
  const wall = (now() - t0) / 1000;
  return {
    seconds: wall,
    cpuMs: (used.user + used.system) / 1000,
    userMs: used.user / 1000,
    systemMs: used.system / 1000,
    scanCalls: rig.taps.scans.calls,
    ledgerCalls: rig.taps.ledger.calls,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Crash-to-restart

interface RestartResult {
  label: string;
  restartSecMs: number;
  wanted: number;
  done: number;
  /** kill → new main process active (ms). */
  total: number[];
  /** kill → the supervisor sees the exit. */
  exitSeen: number[];
  /** exit seen → the launcher asks for the spawn (RestartSec= included). */
  toSpawnCall: number[];
  /** spawn call → 'spawn' (the program runs). */
  spawning: number[];
  /** 'spawn' → active/running reported. */
  toActive: number[];
  problem?: string;
}

function waitForNewMain(rig: Rig, unit: string, oldPid: number, ms: number): { promise: Promise<{ at: number; pid: number } | undefined>; cancel(): void } {
  let watch: Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<{ at: number; pid: number } | undefined>((resolve) => {
    watch = rig.supervisor.onStateChange((change) => {
      const c = change.current;
      if (change.name === unit && c.activeState === 'active' && c.subState === 'running' && c.mainPid !== undefined && c.mainPid !== oldPid) resolve({ at: now(), pid: c.mainPid });
    });
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const cancel = () => {
    watch?.dispose();
    clearTimeout(timer);
  };
  void promise.then(cancel);
  return { promise, cancel };
}

async function crashLoop(rig: Rig, unit: string, restartSecMs: number, count: number, label: string): Promise<RestartResult> {
  const result: RestartResult = { label, restartSecMs, wanted: count, done: 0, total: [], exitSeen: [], toSpawnCall: [], spawning: [], toActive: [] };
  try {
    const status = await rig.supervisor.start(unit);
    let pid = status.mainPid;
    for (let i = 0; i < count; i++) {
      if (pid === undefined) {
        result.problem = `no main PID before kill ${i + 1}`;
        break;
      }
      const next = waitForNewMain(rig, unit, pid, RESTART_DEADLINE_MS + restartSecMs);
      const killedAt = now();
      try {
        process.kill(pid, 'SIGKILL');
      } catch (err) {
        next.cancel();
        result.problem = `kill ${i + 1} of PID ${pid}: ${(err as Error).message}`;
        break;
      }
      const restarted = await next.promise;
      if (!restarted) {
        result.problem = `no new main process within ${RESTART_DEADLINE_MS + restartSecMs} ms of kill ${i + 1}`;
        break;
      }
      const seen = rig.taps.exitSeen.get(pid);
      const spawn = rig.taps.spawns.get(restarted.pid);
      result.total.push(restarted.at - killedAt);
      if (seen !== undefined && spawn) {
        result.exitSeen.push(seen - killedAt);
        result.toSpawnCall.push(spawn.calledAt - seen);
        result.spawning.push(spawn.spawnedAt - spawn.calledAt);
        result.toActive.push(restarted.at - spawn.spawnedAt);
      }
      result.done++;
      pid = restarted.pid;
      await sleep(CRASH_PAUSE_MS);
    }
  } finally {
    await rig.supervisor.stop(unit).catch(() => undefined);
  }
  return result;
}

const sortedOf = (values: readonly number[]) => Float64Array.from(values).sort();
const p = (values: readonly number[], q: number) => percentile(sortedOf(values), q);
const maxOf = (values: readonly number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));

// ---------------------------------------------------------------------------------------------
// 5. Anchor: bare child_process.spawn

interface BareResult {
  count: number;
  spawnedMs: number;
  goneMs: number;
  failed: number;
}

async function bareSpawn(count: number): Promise<BareResult> {
  const children: ChildProcess[] = [];
  const spawned: Promise<boolean>[] = [];
  const exited: Promise<void>[] = [];
  const t0 = now();
  for (let i = 0; i < count; i++) {
    const child = spawn(SLEEP, ['3600'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    if (child.pid !== undefined) started.set(child.pid, undefined);
    spawned.push(
      new Promise<boolean>((resolve) => {
        child.once('spawn', () => resolve(true));
        child.once('error', () => resolve(false));
      }),
    );
    exited.push(new Promise<void>((resolve) => child.once('exit', () => resolve())));
  }
  const ok = await Promise.all(spawned);
  const spawnedMs = now() - t0;
  // Start times for the cleanup's PID check, once the /proc entries are sure to be there.
  for (const child of children) if (child.pid !== undefined) started.set(child.pid, readProcessStat(child.pid)?.startTime);
  const t1 = now();
  for (const child of children) {
    if (child.pid === undefined) continue;
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // not running
    }
  }
  await Promise.all(exited.filter((_, i) => ok[i]));
  const goneMs = now() - t1;
  for (const child of children) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (child.pid !== undefined) started.delete(child.pid);
  }
  return { count, spawnedMs, goneMs, failed: ok.filter((x) => !x).length };
}

/**
 * The same crash loop without a supervisor: one `sleep 3600` child; SIGKILL by PID, and on its
 * 'exit' spawn the next at once; kill → the next one's 'spawn' (ms).
 */
async function bareRestart(count: number): Promise<number[]> {
  const startOne = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(SLEEP, ['3600'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      if (child.pid !== undefined) started.set(child.pid, undefined);
      child.once('spawn', () => resolve(child));
      child.once('error', reject);
    });
  const samples: number[] = [];
  let child = await startOne();
  try {
    for (let i = 0; i < count; i++) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killedAt = now();
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      started.delete(child.pid!);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child = await startOne();
      samples.push(now() - killedAt);
      await sleep(CRASH_PAUSE_MS);
    }
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    } catch {
      // already gone
    }
    started.delete(child.pid!);
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------

/** A full garbage collection, for a memory reading without garbage in it. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function processCount(): number {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
  } catch {
    return Number.NaN;
  }
}

function pid1(): string {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export async function run(): Promise<void> {
  const count = envNumber('BENCH_UNITS', 1000, { integer: true });
  const restarts = envNumber('BENCH_UNITS_RESTARTS', 100, { integer: true });
  const idleSeconds = envNumber('BENCH_UNITS_IDLE', 10);
  const names = Array.from({ length: count }, (_, i) => unitName(i));
  const onExit = () => void killLeftovers();
  process.on('exit', onExit);
  const rigs: Rig[] = [];
  const out: string[] = [''];
  let cleanupKilled = 0;
  try {
    const unitDir = await writeUnits(count);
    const processesBefore = processCount();

    // Round 1: concurrent starts, idle window, restarts under load, concurrent stops.
    const rssBefore = process.memoryUsage().rss;
    process.stderr.write(`bench: units: starting ${fmt(count)} units with concurrent supervisor.start()\n`);
    const r1 = await assemble('concurrent', unitDir);
    rigs.push(r1);
    const rssAssembled = process.memoryUsage().rss;
    const concurrent = await startAll(r1, names, 'concurrent');
    const rssRunning = process.memoryUsage().rss;
    process.stderr.write(`bench: units: idle window of ${idleSeconds} s with ${fmt(concurrent.active)} units running\n`);
    const idle = await idleWindow(r1, idleSeconds);
    const rssIdle = process.memoryUsage().rss;
    const heapIdle = process.memoryUsage().heapUsed;
    collectGarbage();
    const afterGc = process.memoryUsage();
    process.stderr.write(`bench: units: ${fmt(restarts)} crashes of ${CRASH_0} while ${fmt(concurrent.active)} units run\n`);
    const loaded = await crashLoop(r1, CRASH_0, 0, restarts, `RestartSec=0, ${fmt(concurrent.active)} other units running`);
    process.stderr.write(`bench: units: stopping ${fmt(count)} units with concurrent supervisor.stop()\n`);
    const stopConcurrent = await stopAll(r1, names, 'concurrent');
    await r1.close();

    // Round 2: a target pulls them in; the node's shutdown() stops them.
    process.stderr.write(`bench: units: starting ${TARGET} (Wants= ${fmt(count)} units via .wants/ links)\n`);
    const r2 = await assemble('target', unitDir);
    rigs.push(r2);
    const viaTarget = await startAll(r2, names, 'target');
    process.stderr.write(`bench: units: stopping ${fmt(count)} units with supervisor.shutdown()\n`);
    const stopShutdown = await stopAll(r2, names, 'shutdown');

    // Round 3: crash-to-restart on an otherwise idle supervisor.
    process.stderr.write(`bench: units: ${fmt(restarts)} crashes each of ${CRASH_0} and ${CRASH_100}\n`);
    const r3 = await assemble('restart', unitDir);
    rigs.push(r3);
    const quiet0 = await crashLoop(r3, CRASH_0, 0, restarts, 'RestartSec=0');
    const quiet100 = await crashLoop(r3, CRASH_100, RESTART_100_MS, restarts, `RestartSec=${RESTART_100_MS}ms`);
    await r3.close();

    // Anchor.
    process.stderr.write(`bench: units: anchor, ${fmt(count)} x child_process.spawn(${SLEEP} 3600)\n`);
    const bare = await bareSpawn(count);
    process.stderr.write(`bench: units: anchor, ${fmt(restarts)} x SIGKILL → spawn again on 'exit'\n`);
    const bareCrash = await bareRestart(restarts);

    // ---- report
    const systemd = pid1();
    const startRow = (s: StartResult): string[] => [
      s.how === 'concurrent' ? `Promise.all of ${fmt(s.units)} supervisor.start()` : `supervisor.start('${TARGET}'), Wants= ${fmt(s.units)}`,
      `${fmt(s.active)}/${fmt(s.units)}`,
      fmt(s.lastSpawnedMs),
      fmt(s.lastActiveMs),
      fmt(s.resolvedMs),
      fmt(s.lastActiveMs / bare.spawnedMs, 1) + 'x',
      fmt(s.cpuMs),
      `${fmt(s.loadSpanMs)} (${fmt(s.loads)})`,
      fmt(s.ledgerMs),
      fmt(s.scanMs),
    ];
    const stopRow = (s: StopResult): string[] => [
      s.how === 'concurrent' ? `Promise.all of ${fmt(s.units)} supervisor.stop()` : 'supervisor.shutdown()',
      fmt(s.allGoneMs),
      fmt(s.resolvedMs),
      String(s.leftover),
      fmt(s.allGoneMs / bare.goneMs, 1) + 'x',
      fmt(s.cpuMs),
      fmt(s.ledgerMs),
      `${fmt(s.scanMs)} (${fmt(s.scanCalls)})`,
    ];
    const restartRow = (r: RestartResult): string[] => {
      const less = r.total.map((ms) => ms - r.restartSecMs);
      return [r.label, `${r.done}/${r.wanted}`, fmt(p(r.total, 50), 2), fmt(p(r.total, 99), 2), fmt(maxOf(r.total), 2), fmt(p(less, 50), 2), fmt(p(less, 99), 2), fmt(maxOf(less), 2)];
    };
    const bareRow = ['anchor: bare spawn on exit, no supervisor', `${bareCrash.length}/${restarts}`, fmt(p(bareCrash, 50), 2), fmt(p(bareCrash, 99), 2), fmt(maxOf(bareCrash), 2), '', '', ''];
    const splitRow = (r: RestartResult): string[] => [
      r.label,
      fmt(median(r.exitSeen), 2),
      fmt(median(r.toSpawnCall.map((ms) => ms - r.restartSecMs)), 2),
      fmt(median(r.spawning), 2),
      fmt(median(r.toActive), 2),
      fmt(p(r.toSpawnCall.map((ms) => ms - r.restartSecMs), 99), 2),
    ];
    const startFailures = [...concurrent.failures, ...viaTarget.failures];
    const problems = [loaded, quiet0, quiet100].filter((r) => r.problem).map((r) => `${r.label}: ${r.problem}`);
    const best = Math.min(concurrent.lastActiveMs, viaTarget.lastActiveMs);
    const restartP99 = (r: RestartResult) => p(r.total.map((ms) => ms - r.restartSecMs), 99);
    out.push(
      `Unit supervisor, in-process: ${fmt(count)} simple services (ExecStart=${SLEEP} 3600), real processes, journal and process ledger`,
      `systemd anchor: none, PID 1 here is '${systemd}'${systemd === 'systemd' ? ' (systemd anchor not implemented)' : ', not systemd'}`,
      `processes on the machine before the units started: ${fmt(processesBefore)} (every /proc group scan reads each one's stat)`,
      `unit loading = first unit file read started → last finished; CPU = this process, user + system; ledger and /proc scans = time inside those calls`,
      '',
      'Start: first start call → last unit active (ms)',
      table(
        ['how', 'active', 'last spawned', 'last active', 'calls settled', '/ bare spawn', 'CPU ms', 'unit loading ms (reads)', 'ledger ms', '/proc scans ms'],
        [startRow(concurrent), startRow(viaTarget)],
      ),
      ...(startFailures.length > 0 ? [`start failures (${startFailures.length}): ${startFailures.slice(0, 3).join('; ')}`] : []),
      '',
      'Stop: stop call → every main process reaped (ms)',
      table(['how', 'all gone', 'calls settled', 'left', '/ bare kill', 'CPU ms', 'ledger ms', '/proc scans ms (calls)'], [stopRow(stopConcurrent), stopRow(stopShutdown)]),
      '',
      `Anchor: child_process.spawn x ${fmt(bare.count)} (detached, stdout/stderr piped): all 'spawn' in ${fmt(bare.spawnedMs)} ms, SIGTERM → all 'exit' in ${fmt(bare.goneMs)} ms${bare.failed > 0 ? `, ${bare.failed} failed` : ''}`,
      '',
      `Supervisor process with ${fmt(concurrent.active)} units running`,
      table(
        ['measure', 'value'],
        [
          ['RSS before the supervisor (MiB)', mib(rssBefore)],
          ['RSS with the supervisor, before starting units (MiB)', mib(rssAssembled)],
          ['RSS right after all units started (MiB)', mib(rssRunning)],
          [`RSS after ${fmt(idle.seconds, 1)} s idle (MiB)`, mib(rssIdle)],
          ['RSS per running unit (KiB)', fmt((rssIdle - rssAssembled) / 1024 / Math.max(1, concurrent.active))],
          ['JS heap used while idle (MiB)', mib(heapIdle)],
          ['RSS / JS heap used after a full GC (MiB)', `${mib(afterGc.rss)} / ${mib(afterGc.heapUsed)}`],
          [`CPU over ${fmt(idle.seconds, 1)} s idle (ms; user + system)`, `${fmt(idle.cpuMs)} (${fmt(idle.userMs)} + ${fmt(idle.systemMs)})`],
          ['CPU while idle (% of one core)', fmt((idle.cpuMs / (idle.seconds * 1000)) * 100, 2)],
          ['/proc group scans / ledger writes while idle', `${fmt(idle.scanCalls)} / ${fmt(idle.ledgerCalls)}`],
        ],
      ),
      '',
      `Crash-to-restart: SIGKILL of the main process by PID → new main process active/running (ms), StartLimitBurst=0, ${CRASH_PAUSE_MS} ms between crashes`,
      table(['unit', 'restarts', 'p50', 'p99', 'max', 'p50 - RestartSec', 'p99 - RestartSec', 'max - RestartSec'], [restartRow(quiet0), restartRow(quiet100), restartRow(loaded), bareRow]),
      `RestartSec=0 / bare, p50: ${fmt(p(quiet0.total, 50) / p(bareCrash, 50), 1)}x; p99: ${fmt(p(quiet0.total, 99) / p(bareCrash, 99), 1)}x`,
      '',
      'Where a restart goes (medians, ms): kill → exit seen by the supervisor → spawn asked (less RestartSec) → program running → active',
      table(['unit', 'kill → exit seen', 'exit seen → spawn call', 'spawn call → spawned', 'spawned → active', 'exit seen → spawn call p99'], [splitRow(quiet0), splitRow(quiet100), splitRow(loaded)]),
      ...(problems.length > 0 ? ['', ...problems] : []),
      '',
      'Targets',
      table(
        ['target', 'measured', ''],
        [
          [
            `${fmt(TARGETS.startUnits)} units active < ${fmt(TARGETS.startMs)} ms`,
            `${fmt(concurrent.lastActiveMs)} ms concurrent, ${fmt(viaTarget.lastActiveMs)} ms via target, ${fmt(count)} units`,
            count === TARGETS.startUnits ? verdict(best < TARGETS.startMs) : `${verdict(best < TARGETS.startMs)} (at ${fmt(count)})`,
          ],
          [`restart <= exit + RestartSec + ${TARGETS.restartSlackMs} ms (p99), RestartSec=0`, `${fmt(restartP99(quiet0), 2)} ms`, verdict(restartP99(quiet0) <= TARGETS.restartSlackMs)],
          [`restart <= exit + RestartSec + ${TARGETS.restartSlackMs} ms (p99), RestartSec=${RESTART_100_MS}ms`, `${fmt(restartP99(quiet100), 2)} ms`, verdict(restartP99(quiet100) <= TARGETS.restartSlackMs)],
          [`the same, RestartSec=0, ${fmt(concurrent.active)} units running`, `${fmt(restartP99(loaded), 2)} ms`, verdict(restartP99(loaded) <= TARGETS.restartSlackMs)],
        ],
      ),
      '',
    );
  } finally {
    for (const rig of rigs) await rig.close().catch(() => undefined);
    cleanupKilled = killLeftovers();
    process.off('exit', onExit);
    await removeTempDirs();
  }
  if (cleanupKilled > 0) out.push(`cleanup: ${cleanupKilled} processes were still running at the end and were killed by PID`, '');
  process.stdout.write(out.join('\n'));
}
