import { readFile } from 'node:fs/promises';
import type { ExecHandle, ExitStatus, Logger, UnitActiveState, UnitStatus } from '../../../core/index.js';
import type { ExecCommand, ServiceSettings, UnitDefinition } from '../unit-file/definition.js';
import type { ExecRecord, UnitResult } from '../unit-control.js';
import { evaluateConditions, type ConditionHost } from './conditions.js';
import { CalledOff, delay, sleep, unlessAborted } from './deferred.js';
import { describeExit, exitCause, resultOf, shouldRestart, type ExitCause } from './exit-verdict.js';
import { LaunchError, type ExecSetting, type Launcher } from './launcher.js';
import type { NotifyChannel, NotifyChannels, NotifyMessage } from './notify-channel.js';
import { RunnerState } from './runner-state.js';
import { StartLimit } from './start-limit.js';

export interface RunnerContext {
  launcher: Launcher;
  notify: NotifyChannels;
  conditionHost: ConditionHost;
  log: Logger;
  /** Called on every change of active state or sub-state. */
  changed(previous: Pick<UnitStatus, 'activeState' | 'subState'>): void;
  /** Called when the main process ends ("Main process exited, …"). */
  mainExited(pid: number, status: ExitStatus): void;
  /** How often a forking service's main PID is checked for life. */
  pollMs?: number;
}

/** Why a start did not get the service running, and what Restart= should make of it. */
class StartFailure extends Error {
  constructor(
    readonly result: UnitResult,
    readonly exitCause: ExitCause,
    readonly reason: string,
    readonly status?: ExitStatus,
  ) {
    super(reason);
  }
}

interface MainProcess {
  handle: ExecHandle;
  record: ExecRecord;
  /** Set once it has exited. */
  status?: ExitStatus;
  ended: Promise<ExitStatus>;
  /** Forking services: the daemon's PID from PIDFile=, watched by polling. */
  pid?: number;
}

const usToMs = (us: number) => (Number.isFinite(us) ? us / 1000 : Infinity);
const FORCED_KILL_WAIT_MS = 5000;

/**
 * One `.service` unit's life: the start sequence for its Type=, the main process watch, stop
 * with KillMode=, Restart= with RestartSec= and the start limit, reload and the watchdog.
 * Jobs on one unit run one at a time; a stop calls off a start that is still running.
 */
export class ServiceRunner extends RunnerState {
  private main?: MainProcess;
  private readonly handles = new Set<ExecHandle>();
  private jobs: Promise<unknown> = Promise.resolve();
  private startCalls?: AbortController;
  private restartTimer?: NodeJS.Timeout;
  private watchdogTimer?: NodeJS.Timeout;
  private notifyChannel?: NotifyChannel;
  private readyWaiter?: (message: NotifyMessage) => void;
  private startLimit: StartLimit;
  /** True from a stop request until the next start: Restart= does not apply. */
  private stopRequested = false;
  /** True once the start sequence finished: ExecStop= runs only then. */
  private started = false;

  constructor(
    definition: UnitDefinition,
    private readonly ctx: RunnerContext,
  ) {
    super(definition, (previous) => ctx.changed(previous));
    this.startLimit = new StartLimit(usToMs(definition.startLimitIntervalUs), definition.startLimitBurst);
  }

  private get service(): ServiceSettings {
    return this.definition.service!;
  }

  get mainPid(): number | undefined {
    return this.main && !this.main.status ? (this.main.pid ?? this.main.handle.pid) : undefined;
  }

  /** PIDs of every process the unit has now. */
  tasks(): number[] {
    const pids = new Set<number>();
    for (const h of this.handles) for (const pid of h.remaining?.() ?? (h.pid ? [h.pid] : [])) pids.add(pid);
    if (this.main?.pid && !this.main.status) pids.add(this.main.pid);
    return [...pids];
  }

  /** Replaces the definition (daemon-reload); a running service keeps running. */
  redefine(definition: UnitDefinition): void {
    this.definition = definition;
    this.startLimit = new StartLimit(usToMs(definition.startLimitIntervalUs), definition.startLimitBurst);
  }

  start(): Promise<void> {
    if (this.activeState === 'active' || this.activeState === 'reloading') return Promise.resolve();
    this.cancelRestartTimer();
    this.stopRequested = false;
    return this.enqueue(() => this.runStart(true));
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    this.cancelRestartTimer();
    this.startCalls?.abort();
    return this.enqueue(() => this.runStop());
  }

  restart(): Promise<void> {
    this.stopRequested = true;
    this.cancelRestartTimer();
    this.startCalls?.abort();
    return this.enqueue(async () => {
      await this.runStop();
      this.stopRequested = false;
      await this.runStart(true);
    });
  }

  reload(): Promise<void> {
    return this.enqueue(() => this.runReload());
  }

  resetFailed(): void {
    this.startLimit.reset();
    if (this.activeState === 'failed') {
      this.result = 'success';
      this.setState('inactive', 'dead');
    }
  }

  /** Sends a signal to the unit's processes (systemctl kill). */
  async kill(signal: NodeJS.Signals, scope: 'main' | 'all' = 'all'): Promise<void> {
    for (const h of this.handles) await h.kill(signal, scope).catch(() => undefined);
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.jobs.then(job);
    this.jobs = run.catch(() => undefined);
    return run;
  }

  // ---- start

  private async runStart(manual: boolean): Promise<void> {
    if (this.activeState === 'active') return;
    const calls = new AbortController();
    this.startCalls = calls;
    const signal = calls.signal;
    this.started = false;
    this.controlExecs = [];
    this.statusText = undefined;
    if (!this.startLimit.admit(Date.now())) {
      this.result = 'start-limit-hit';
      this.setState('failed', 'failed');
      throw new StartFailure('start-limit-hit', 'clean', 'start of the service was attempted too often');
    }
    const conditions = evaluateConditions(this.definition.conditions, this.ctx.conditionHost);
    this.conditionFailed = conditions.failed;
    if (!conditions.asserted) {
      this.result = 'success';
      this.setState('inactive', 'dead');
      throw new StartFailure('success', 'clean', `an assertion failed: ${conditions.failed}`);
    }
    if (!conditions.ok) {
      this.conditionResult = false;
      this.setState('inactive', 'dead');
      return;
    }
    this.conditionResult = true;
    if (!manual) this.restarts++;
    this.result = 'success';
    const timeout = delay(usToMs(this.service.timeoutStartUs), 'timeout' as const);
    try {
      await Promise.race([
        this.startSequence(signal),
        timeout.promise.then(() => {
          throw new StartFailure('timeout', 'timeout', 'a timeout was exceeded');
        }),
      ]);
    } catch (err) {
      if (err instanceof CalledOff || signal.aborted) return;
      if (!(err instanceof StartFailure)) throw err;
      calls.abort();
      await this.tearDown(err.result, err.exitCause, err.status);
      throw err;
    } finally {
      timeout.clear();
      if (this.startCalls === calls) this.startCalls = undefined;
    }
  }

  private async startSequence(signal: AbortSignal): Promise<void> {
    const svc = this.service;
    if (svc.execCondition.length > 0) {
      this.setState('activating', 'condition');
      for (const cmd of svc.execCondition) {
        const status = await this.runControl('ExecCondition', cmd, signal);
        if (status.signal || status.code === 255) throw new StartFailure('exit-code', 'unclean-code', 'the control process exited with error code', status);
        if (status.code !== 0) {
          this.conditionResult = false;
          this.conditionFailed = `ExecCondition=${cmd.text}`;
          await this.killAll('SIGKILL');
          this.setState('inactive', 'dead');
          throw new CalledOff();
        }
      }
    }
    this.setState('activating', 'start-pre');
    for (const cmd of svc.execStartPre) await this.runControlChecked('ExecStartPre', cmd, signal);
    this.setState('activating', 'start');
    if (svc.type === 'oneshot') {
      for (const cmd of svc.execStart) {
        const main = await this.launchMain(cmd);
        const status = await unlessAborted(main.ended, signal);
        if (!this.isSuccess(status) && !cmd.ignoreFailure) throw this.failureOf(status, 'the control process exited with error code');
      }
    } else {
      const main = await this.launchMain(svc.execStart[0]!);
      await this.awaitReadiness(main, signal);
    }
    if (svc.execStartPost.length > 0) {
      this.setState('activating', 'start-post');
      for (const cmd of svc.execStartPost) await this.runControlChecked('ExecStartPost', cmd, signal);
    }
    this.started = true;
    if (svc.type === 'oneshot') {
      if (svc.remainAfterExit) {
        this.since = new Date();
        this.setState('active', 'exited');
      } else {
        await this.tearDown('success', 'clean');
      }
      return;
    }
    if (this.main?.status) {
      // The main process ended during ExecStartPost=: handle it as an exit of a running service.
      this.since = new Date();
      this.setState('active', 'running');
      void this.enqueue(() => this.afterMainExit(this.main!.status!));
      return;
    }
    this.since = new Date();
    this.setState('active', this.main ? 'running' : 'exited');
    this.armWatchdog();
  }

  private async awaitReadiness(main: MainProcess, signal: AbortSignal): Promise<void> {
    const svc = this.service;
    switch (svc.type) {
      case 'simple':
      case 'exec':
      case 'idle':
      case 'dbus':
        return;
      case 'forking': {
        const status = await unlessAborted(main.ended, signal);
        if (!this.isSuccess(status)) throw this.failureOf(status, 'the control process exited with error code');
        const pid = svc.pidFile ? await this.readPidFile(svc.pidFile, signal) : undefined;
        if (pid === undefined) {
          // Without PIDFile= the daemon is whatever the forking process left in its group.
          if ((main.handle.remaining?.() ?? []).length === 0) {
            this.main = undefined;
            return;
          }
          this.watchGroup(main);
          return;
        }
        this.watchPid(main, pid);
        return;
      }
      case 'notify':
      case 'notify-reload': {
        const ready = new Promise<void>((resolve) => (this.readyWaiter = (m) => m.ready && resolve()));
        const ended = main.ended.then((status) => {
          throw this.failureOf(status, 'the service exited before it reported being ready', 'protocol');
        });
        try {
          await unlessAborted(Promise.race([ready, ended]), signal);
        } finally {
          this.readyWaiter = undefined;
        }
      }
    }
  }

  private async readPidFile(file: string, signal: AbortSignal): Promise<number | undefined> {
    for (let i = 0; i < 50 && !signal.aborted; i++) {
      try {
        const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid;
      } catch {
        // not written yet
      }
      await sleep(20);
    }
    throw new StartFailure('resources', 'unclean-code', `PID file ${file} not readable (yet?) after start`);
  }

  /** A forking service's daemon is not our child: its exit is seen by polling, its status is unknown. */
  private watchPid(main: MainProcess, pid: number): void {
    const daemon = { ...main, pid, status: undefined as ExitStatus | undefined };
    this.main = daemon;
    daemon.ended = this.poll(() => alive(pid)).then(() => ({ code: 0, signal: null }));
    void daemon.ended.then((status) => this.onMainExit(daemon, status));
  }

  private watchGroup(main: MainProcess): void {
    const daemon = { ...main, status: undefined as ExitStatus | undefined };
    this.main = daemon;
    daemon.ended = this.poll(() => (main.handle.remaining?.() ?? []).length > 0).then(() => ({ code: 0, signal: null }));
    void daemon.ended.then((status) => this.onMainExit(daemon, status));
  }

  private async poll(aliveNow: () => boolean): Promise<void> {
    while (aliveNow()) await sleep(this.ctx.pollMs ?? 200);
  }

  private async launchMain(cmd: ExecCommand): Promise<MainProcess> {
    const record: ExecRecord = { setting: 'ExecStart', text: cmd.text, startedAt: new Date() };
    this.mainExec = record;
    const extra = await this.notifyEnvironment();
    let handle: ExecHandle;
    try {
      handle = await this.ctx.launcher.launch(this.definition, cmd, extra);
    } catch (err) {
      throw this.launchFailure(record, err);
    }
    record.pid = handle.pid;
    this.handles.add(handle);
    const main: MainProcess = { handle, record, ended: handle.exited };
    this.main = main;
    void handle.exited.then((status) => this.onMainExit(main, status));
    return main;
  }

  private launchFailure(record: ExecRecord, err: unknown): StartFailure {
    const code = err instanceof LaunchError ? err.exitCode : 203;
    const message = err instanceof Error ? err.message : String(err);
    record.exitedAt = new Date();
    record.code = 'exited';
    record.status = code;
    this.ctx.log.warn({ unit: this.name, err: message }, 'could not start process');
    return new StartFailure('exit-code', 'unclean-code', `the process could not be started: ${message}`, { code, signal: null });
  }

  private async notifyEnvironment(): Promise<Record<string, string>> {
    const type = this.service.type;
    if (type !== 'notify' && type !== 'notify-reload' && this.service.notifyAccess === 'none' && this.service.watchdogUs === 0) return {};
    if (!this.notifyChannel) {
      this.notifyChannel = await this.ctx.notify.open(this.name);
      this.notifyChannel.on((message) => this.onNotify(message));
    }
    const env: Record<string, string> = { NOTIFY_SOCKET: this.notifyChannel.path };
    if (this.service.watchdogUs > 0 && Number.isFinite(this.service.watchdogUs)) env.WATCHDOG_USEC = String(this.service.watchdogUs);
    return env;
  }

  private onNotify(message: NotifyMessage): void {
    if (message.status !== undefined) this.statusText = message.status;
    if (message.mainPid !== undefined && this.main && alive(message.mainPid)) {
      if (message.mainPid !== this.main.handle.pid) this.watchPid(this.main, message.mainPid);
    }
    if (message.watchdog === true) this.armWatchdog();
    if (message.watchdog === 'trigger') this.watchdogFired();
    if (message.reloading && this.activeState === 'active') this.setState('reloading', 'reload');
    if (message.ready && this.activeState === 'reloading') this.setState('active', 'running');
    this.readyWaiter?.(message);
  }

  // ---- control commands

  private async runControl(setting: ExecSetting, cmd: ExecCommand, signal?: AbortSignal, extra: Record<string, string> = {}): Promise<ExitStatus> {
    const record: ExecRecord = { setting, text: cmd.text, startedAt: new Date() };
    this.controlExecs.push(record);
    let handle: ExecHandle;
    try {
      const env = { ...(await this.notifyEnvironment()), ...extra };
      const mainPid = this.mainPid;
      if (mainPid !== undefined) env.MAINPID = String(mainPid);
      handle = await this.ctx.launcher.launch(this.definition, cmd, env);
    } catch (err) {
      const failure = this.launchFailure(record, err);
      return failure.status!;
    }
    record.pid = handle.pid;
    this.handles.add(handle);
    const status = signal ? await unlessAborted(handle.exited, signal) : await handle.exited;
    this.recordExit(record, status);
    // Processes a control command forked are not kept (systemd kills them before the next command).
    if ((handle.remaining?.() ?? []).length > 0 && setting !== 'ExecStart') await handle.kill('SIGKILL', 'all').catch(() => undefined);
    this.handles.delete(handle);
    return status;
  }

  private async runControlChecked(setting: ExecSetting, cmd: ExecCommand, signal: AbortSignal): Promise<void> {
    const status = await this.runControl(setting, cmd, signal);
    if (!cmd.ignoreFailure && !this.isSuccess(status)) throw this.failureOf(status, 'the control process exited with error code');
  }

  private recordExit(record: ExecRecord, status: ExitStatus): void {
    const described = describeExit(status);
    record.exitedAt = new Date();
    record.code = described.code;
    record.status = status.signal ?? status.code ?? 0;
  }

  private isSuccess(status: ExitStatus): boolean {
    return exitCause(status, this.service.type, this.service.successExitStatus) === 'clean';
  }

  private failureOf(status: ExitStatus, reason: string, result?: UnitResult): StartFailure {
    const cause = exitCause(status, this.service.type, this.service.successExitStatus);
    return new StartFailure(result ?? resultOf(status, cause === 'clean' ? 'unclean-code' : cause), cause === 'clean' ? 'unclean-code' : cause, reason, status);
  }

  // ---- main process exit

  private onMainExit(main: MainProcess, status: ExitStatus): void {
    if (main.status) return;
    main.status = status;
    this.recordExit(main.record, status);
    this.ctx.mainExited(main.pid ?? main.handle.pid ?? 0, status);
    this.handles.delete(main.handle);
    if ((main.handle.remaining?.() ?? []).length > 0) this.handles.add(main.handle);
    if (this.main !== main) return;
    if ((this.activeState === 'active' || this.activeState === 'reloading') && !this.stopRequested) {
      void this.enqueue(() => this.afterMainExit(status));
    }
  }

  private async afterMainExit(status: ExitStatus): Promise<void> {
    if (this.activeState !== 'active' && this.activeState !== 'reloading') return;
    const cause = exitCause(status, this.service.type, this.service.successExitStatus);
    await this.tearDown(resultOf(status, cause), cause, status);
  }

  // ---- watchdog

  private armWatchdog(): void {
    clearTimeout(this.watchdogTimer);
    const ms = usToMs(this.service.watchdogUs);
    if (ms <= 0 || !Number.isFinite(ms) || !this.main || this.main.status) return;
    this.watchdogTimer = setTimeout(() => this.watchdogFired(), ms);
    this.watchdogTimer.unref?.();
  }

  private watchdogFired(): void {
    clearTimeout(this.watchdogTimer);
    if (this.activeState !== 'active' || this.stopRequested) return;
    this.ctx.log.warn({ unit: this.name }, 'watchdog timeout');
    void this.enqueue(async () => {
      if (this.activeState !== 'active') return;
      await this.main?.handle.kill(this.service.watchdogSignal, 'main').catch(() => undefined);
      const ended = this.main ? await raceTimeout(this.main.ended, usToMs(this.service.timeoutStopUs)) : undefined;
      const status = ended === 'timeout' ? undefined : ended;
      await this.tearDown('watchdog', 'watchdog', status);
    });
  }

  // ---- stop

  private async runStop(): Promise<void> {
    if (this.subState === 'auto-restart') {
      // Everything already ran down before the restart was scheduled.
      if (this.result === 'success') this.setState('inactive', 'dead');
      else this.setState('failed', 'failed');
      return;
    }
    if (this.activeState === 'inactive' || this.activeState === 'failed') {
      if (this.handles.size > 0) await this.killAll('SIGKILL');
      return;
    }
    await this.tearDown('success', 'clean');
  }

  /**
   * Brings the unit down from wherever it is: ExecStop= (if it had started), the kill sequence,
   * ExecStopPost=, then inactive, failed, or auto-restart.
   */
  private async tearDown(result: UnitResult, cause: ExitCause, status?: ExitStatus): Promise<void> {
    clearTimeout(this.watchdogTimer);
    const svc = this.service;
    const stopMs = usToMs(svc.timeoutStopUs);
    let finalResult = result;
    if (this.started && svc.execStop.length > 0) {
      this.setState('deactivating', 'stop');
      for (const cmd of svc.execStop) {
        const outcome = await raceTimeout(this.runControl('ExecStop', cmd), stopMs);
        if (outcome === 'timeout') {
          await this.killAll('SIGKILL');
          if (finalResult === 'success') finalResult = 'timeout';
          break;
        }
      }
    }
    if ((this.main && !this.main.status) || this.tasks().length > 0) {
      this.setState('deactivating', 'stop-sigterm');
      const clean = await this.killSequence(stopMs);
      if (!clean && finalResult === 'success') finalResult = 'timeout';
    }
    this.started = false;
    if (svc.execStopPost.length > 0) {
      this.setState('deactivating', 'stop-post');
      const env = stopPostEnvironment(finalResult, status ?? this.main?.status);
      for (const cmd of svc.execStopPost) {
        const outcome = await raceTimeout(this.runControl('ExecStopPost', cmd, undefined, env), stopMs);
        if (outcome === 'timeout') break;
      }
    }
    // KillMode=process and none leave the other processes running, as systemd does; they are no longer tracked.
    if (svc.killMode === 'process' || svc.killMode === 'none') this.handles.clear();
    else if (this.handles.size > 0) await this.killAll('SIGKILL');
    this.main = undefined;
    await this.closeNotify();
    this.result = finalResult;
    this.inactiveSince = new Date();
    if (!this.stopRequested && shouldRestart(svc, cause, status)) {
      this.setState('activating', 'auto-restart');
      this.scheduleRestart();
      return;
    }
    if (finalResult === 'success') this.setState('inactive', 'dead');
    else this.setState('failed', 'failed');
  }

  /** KillMode= with KillSignal=, then SIGKILL after TimeoutStopSec=; true when all ended in time. */
  private async killSequence(stopMs: number): Promise<boolean> {
    const svc = this.service;
    const main = this.main && !this.main.status ? this.main : undefined;
    switch (svc.killMode) {
      case 'control-group':
        await this.killAll(svc.killSignal, svc.sendSIGHUP);
        break;
      case 'mixed':
      case 'process':
        if (main) await this.signalMain(main, svc.killSignal);
        else if (svc.killMode === 'mixed') await this.killAll(svc.killSignal);
        break;
      case 'none':
        break;
    }
    if ((svc.killMode === 'process' || svc.killMode === 'none') && !main) return true;
    // control-group waits for every process; the others for the main process (mixed then kills the rest).
    const gone = await this.waitQuiet(svc.killMode === 'control-group' ? undefined : main, stopMs);
    if (gone) {
      if (svc.killMode === 'mixed') await this.killAll('SIGKILL');
      return true;
    }
    if (!svc.sendSIGKILL) return false;
    this.setState('deactivating', 'stop-sigkill');
    if (svc.killMode === 'process' && main) await this.signalMain(main, svc.finalKillSignal);
    else await this.killAll(svc.finalKillSignal);
    await this.waitQuiet(svc.killMode === 'process' ? main : undefined, FORCED_KILL_WAIT_MS);
    return false;
  }

  private async signalMain(main: MainProcess, signal: NodeJS.Signals): Promise<void> {
    if (main.pid !== undefined && main.pid !== main.handle.pid) {
      try {
        process.kill(main.pid, signal);
        process.kill(main.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      return;
    }
    await main.handle.kill(signal, 'main').catch(() => undefined);
  }

  private async killAll(signal: NodeJS.Signals, alsoHangup = false): Promise<void> {
    for (const h of this.handles) {
      await h.kill(signal, 'all').catch(() => undefined);
      if (alsoHangup) await h.kill('SIGHUP', 'all').catch(() => undefined);
    }
    if (this.main?.pid !== undefined && this.main.pid !== this.main.handle.pid && !this.main.status) {
      try {
        process.kill(this.main.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /** Waits until the main process (or, with `only` unset, every process of the unit) is gone. */
  private async waitQuiet(only: MainProcess | undefined, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const quiet = () => (only ? only.status !== undefined : (!this.main || this.main.status !== undefined) && this.tasks().length === 0);
    while (!quiet()) {
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
    for (const h of [...this.handles]) if ((h.remaining?.() ?? []).length === 0) this.handles.delete(h);
    return true;
  }


  // ---- restart

  private scheduleRestart(): void {
    const ms = usToMs(this.service.restartUs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.subState !== 'auto-restart' || this.stopRequested) return;
      this.enqueue(() => this.runStart(false)).catch((err: unknown) => {
        if (!(err instanceof StartFailure)) this.ctx.log.error({ err, unit: this.name }, 'restart failed');
      });
    }, ms);
  }

  private cancelRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  // ---- reload

  private async runReload(): Promise<void> {
    if (this.activeState !== 'active') throw new StartFailure('success', 'clean', 'the unit is not active');
    const svc = this.service;
    if (svc.execReload.length === 0 && svc.type !== 'notify-reload') throw new StartFailure('success', 'clean', 'the unit does not support reloading');
    this.setState('reloading', 'reload');
    try {
      for (const cmd of svc.execReload) {
        const status = await this.runControl('ExecReload', cmd);
        if (!cmd.ignoreFailure && !this.isSuccess(status)) throw new StartFailure('exit-code', 'clean', 'the control process exited with error code', status);
      }
      if (svc.execReload.length === 0 && this.main) await this.signalMain(this.main, 'SIGHUP');
    } finally {
      if ((this.activeState as UnitActiveState) === 'reloading') this.setState('active', this.main && !this.main.status ? 'running' : 'exited');
    }
  }

  // ---- shutdown

  /** Stops the unit for a node shutdown; Restart= does not apply. */
  async shutdown(): Promise<void> {
    await this.stop().catch(() => undefined);
    await this.closeNotify();
  }

  private async closeNotify(): Promise<void> {
    const channel = this.notifyChannel;
    this.notifyChannel = undefined;
    await channel?.close().catch(() => undefined);
  }

}

/** `work`, or 'timeout' after `ms`; the timer is cleared either way, so it holds nothing open. */
async function raceTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const timer = delay(ms, 'timeout' as const);
  try {
    return await Promise.race([work, timer.promise]);
  } finally {
    timer.clear();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** $SERVICE_RESULT, $EXIT_CODE, $EXIT_STATUS for ExecStopPost=. */
function stopPostEnvironment(result: UnitResult, status: ExitStatus | undefined): Record<string, string> {
  const env: Record<string, string> = { SERVICE_RESULT: result };
  if (status) {
    env.EXIT_CODE = status.signal ? 'killed' : 'exited';
    env.EXIT_STATUS = status.signal ? status.signal.replace(/^SIG/, '') : String(status.code ?? 0);
  }
  return env;
}

export { StartFailure };
