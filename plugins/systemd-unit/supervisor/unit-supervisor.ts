import type { Disposable, ExitStatus, Logger, UnitFiles, UnitFilesWritten, UnitStateChange, UnitStatus } from '../../../core/index.js';
import type { UnitDefinition, UnitDependencies } from '../unit-file/definition.js';
import { NoSuchUnitError, UnitJobError, type UnitControl, type UnitStatusDetail } from '../unit-control.js';
import type { ConditionHost } from './conditions.js';
import type { Launcher } from './launcher.js';
import type { NotifyChannels } from './notify-channel.js';
import { ServiceRunner, StartFailure } from './service-runner.js';
import { TargetRunner, type UnitRunner } from './target-runner.js';
import { planStart, planStop, TransactionError, type DependencyView } from './transaction.js';
import type { SourcedUnit, UnitSource } from './unit-source.js';

export interface SupervisorOptions {
  source: UnitSource;
  launcher: Launcher;
  notify: NotifyChannels;
  conditionHost: ConditionHost;
  log: Logger;
  /** Reports a main process's end (the journal's "Main process exited, …"). */
  onMainExit?(unit: string, pid: number, status: ExitStatus): void;
}

interface Entry {
  sourced: SourcedUnit;
  runner?: UnitRunner;
}

type JobOutcome = { ok: true } | { ok: false; reason: string };

/** Dependencies that load other units (ordering alone does not). */
const PULLING: readonly (keyof UnitDependencies)[] = ['requires', 'wants', 'requisite', 'bindsTo', 'partOf', 'conflicts', 'onFailure', 'onSuccess'];

/**
 * The unit manager: loads units from the search path, turns start/stop/restart requests into
 * transactions over Requires=/Wants=/BindsTo=/Conflicts= ordered by After=/Before=, runs them,
 * and reacts to state changes (BindsTo= stops, OnFailure=/OnSuccess=).
 */
export class UnitSupervisor implements UnitControl {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: UnitStateChange) => void>();
  private closing = false;

  constructor(private readonly options: SupervisorOptions) {}

  // ---- loading

  /** Loads every unit in the search path (at node start and on daemon-reload). */
  async loadAll(): Promise<void> {
    const names = new Set([...(await this.options.source.names()), ...this.entries.keys()]);
    for (const name of names) await this.refresh(name);
  }

  private async refresh(name: string): Promise<Entry> {
    const sourced = await this.options.source.read(name);
    let entry = this.entries.get(name);
    if (!entry) {
      entry = { sourced };
      this.entries.set(name, entry);
    } else {
      entry.sourced = sourced;
    }
    if (sourced.definition && sourced.loadState === 'loaded') {
      if (entry.runner && entry.runner.definition.kind === sourced.definition.kind) entry.runner.redefine(sourced.definition);
      else if (!entry.runner || entry.runner.activeState === 'inactive' || entry.runner.activeState === 'failed') entry.runner = this.createRunner(sourced.definition);
    }
    if (sourced.loadState === 'not-found' && (!entry.runner || isDown(entry.runner))) this.entries.delete(name);
    return entry;
  }

  private async ensure(name: string): Promise<Entry> {
    return this.entries.get(name) ?? (await this.refresh(name));
  }

  /** Loads `names` and everything their dependencies pull in. */
  private async ensureClosure(names: readonly string[]): Promise<void> {
    const seen = new Set<string>();
    const queue = [...names];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const entry = await this.ensure(name);
      const deps = entry.sourced.definition?.deps;
      if (deps) for (const key of PULLING) queue.push(...deps[key]);
    }
  }

  private createRunner(definition: UnitDefinition): UnitRunner {
    const name = definition.name;
    const changed = (previous: Pick<UnitStatus, 'activeState' | 'subState'>) => this.changed(name, previous);
    if (definition.kind === 'target') return new TargetRunner(definition, this.options.conditionHost, changed);
    return new ServiceRunner(definition, {
      launcher: this.options.launcher,
      notify: this.options.notify,
      conditionHost: this.options.conditionHost,
      log: this.options.log.child({ unit: name }),
      changed,
      mainExited: (pid, status) => this.options.onMainExit?.(name, pid, status),
    });
  }

  private readonly view: DependencyView = {
    deps: (name) => {
      const entry = this.entries.get(name);
      return entry?.sourced.loadState === 'loaded' ? entry.sourced.definition?.deps : undefined;
    },
    names: () => this.entries.keys(),
  };

  private loadedRunner(name: string, entry: Entry, job: UnitJobError['job']): UnitRunner {
    if (entry.sourced.loadState === 'not-found') throw new NoSuchUnitError(name);
    if (!entry.runner || entry.sourced.loadState !== 'loaded') {
      throw new UnitJobError(name, job, entry.sourced.reason ?? `the unit is ${entry.sourced.loadState}`);
    }
    return entry.runner;
  }

  // ---- jobs

  async start(name: string): Promise<UnitStatus> {
    await this.startUnits([name], 'start');
    return this.status(name);
  }

  private async startUnits(names: readonly string[], job: 'start' | 'restart'): Promise<void> {
    for (const name of names) this.loadedRunner(name, await this.ensure(name), job);
    await this.ensureClosure(names);
    let tx;
    try {
      tx = planStart(names, this.view);
    } catch (err) {
      if (err instanceof TransactionError) throw new UnitJobError(names[0]!, job, err.message);
      throw err;
    }
    for (const stop of tx.stops) await this.runnerOf(stop)?.stop();
    const outcomes = await runOrdered(tx.starts, tx.waitsFor, async (unit, done) => {
      const deps = this.view.deps(unit)!;
      for (const required of [...deps.requires, ...deps.bindsTo]) {
        if (tx.missing.includes(required)) return { ok: false, reason: `a dependency, ${required}, is not found` };
        const outcome = done.get(required);
        if (outcome && !outcome.ok && orderedAfter(unit, required, this.view)) return { ok: false, reason: 'a dependency job failed' };
      }
      for (const requisite of deps.requisite) {
        if (this.runnerOf(requisite)?.activeState !== 'active') return { ok: false, reason: `a requisite, ${requisite}, is not active` };
      }
      return this.runJob(unit, (runner) => runner.start());
    });
    for (const name of names) {
      const outcome = outcomes.get(name);
      if (outcome && !outcome.ok) throw new UnitJobError(name, job, outcome.reason);
    }
  }

  async stop(name: string): Promise<UnitStatus> {
    const entry = await this.ensure(name);
    if (entry.sourced.loadState === 'not-found' && !entry.runner) throw new NoSuchUnitError(name);
    await this.stopUnits([name]);
    return this.status(name);
  }

  private async stopUnits(names: readonly string[]): Promise<string[]> {
    const tx = planStop(names, this.view);
    const active = tx.stops.filter((u) => { const r = this.runnerOf(u); return r !== undefined && !isDown(r); });
    const outcomes = await runOrdered(tx.stops, tx.waitsFor, (unit) => this.runJob(unit, (runner) => runner.stop()));
    for (const name of names) {
      const outcome = outcomes.get(name);
      if (outcome && !outcome.ok) throw new UnitJobError(name, 'stop', outcome.reason);
    }
    return active;
  }

  async restart(name: string): Promise<UnitStatus> {
    this.loadedRunner(name, await this.ensure(name), 'restart');
    const wereActive = await this.stopUnits([name]);
    await this.startUnits([name, ...wereActive.filter((u) => u !== name)], 'restart');
    return this.status(name);
  }

  async reload(name: string): Promise<UnitStatus> {
    const runner = this.loadedRunner(name, await this.ensure(name), 'reload');
    const outcome = await this.runJob(name, () => runner.reload());
    if (!outcome.ok) throw new UnitJobError(name, 'reload', outcome.reason);
    return this.status(name);
  }

  async resetFailed(name?: string): Promise<void> {
    const names = name ? [name] : [...this.entries.keys()];
    for (const n of names) {
      const entry = this.entries.get(n);
      if (!entry && name) throw new NoSuchUnitError(n);
      entry?.runner?.resetFailed();
    }
  }

  private async runJob(unit: string, job: (runner: UnitRunner) => Promise<void>): Promise<JobOutcome> {
    const runner = this.runnerOf(unit);
    if (!runner) return { ok: false, reason: 'the unit is not loaded' };
    try {
      await job(runner);
      return { ok: true };
    } catch (err) {
      const reason = err instanceof StartFailure ? err.reason : err instanceof Error ? err.message : String(err);
      return { ok: false, reason };
    }
  }

  private runnerOf(name: string): UnitRunner | undefined {
    return this.entries.get(name)?.runner;
  }

  // ---- files

  async load(name: string, content: string): Promise<UnitStatus> {
    await this.options.source.write(name, content);
    await this.refresh(name);
    return this.status(name);
  }

  async install(name: string, files: UnitFiles): Promise<UnitFilesWritten> {
    const written = await this.options.source.install(name, files);
    await this.refresh(name);
    return { ...written, status: await this.status(name) };
  }

  async unload(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry?.runner && !isDown(entry.runner)) await this.stopUnits([name]);
    await this.options.source.disable(name).catch(() => []);
    await this.options.source.remove(name);
    this.entries.delete(name);
  }

  async enable(name: string): Promise<string[]> {
    const entry = await this.ensure(name);
    if (entry.sourced.loadState === 'not-found') throw new NoSuchUnitError(name);
    if (!entry.sourced.definition) throw new UnitJobError(name, 'start', entry.sourced.reason ?? 'the unit could not be loaded');
    const created = await this.options.source.enable(entry.sourced.definition);
    await this.refreshInstallTargets(entry.sourced.definition);
    return created;
  }

  async disable(name: string): Promise<string[]> {
    const entry = await this.ensure(name);
    if (entry.sourced.loadState === 'not-found' && !entry.sourced.definition) throw new NoSuchUnitError(name);
    const removed = await this.options.source.disable(name);
    if (entry.sourced.definition) await this.refreshInstallTargets(entry.sourced.definition);
    return removed;
  }

  private async refreshInstallTargets(definition: UnitDefinition): Promise<void> {
    for (const target of [...definition.install.wantedBy, ...definition.install.requiredBy]) await this.refresh(target);
  }

  async cat(name: string): Promise<{ path: string; text: string }[]> {
    const files = await this.options.source.files(name);
    if (files.length === 0) throw new NoSuchUnitError(name);
    return files;
  }

  async daemonReload(): Promise<void> {
    await this.loadAll();
  }

  // ---- status

  async status(name: string): Promise<UnitStatus> {
    const entry = await this.ensure(name);
    return this.statusOf(name, entry);
  }

  async list(): Promise<UnitStatus[]> {
    return [...this.entries.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, entry]) => this.statusOf(name, entry));
  }

  async detail(name: string): Promise<UnitStatusDetail> {
    const entry = await this.ensure(name);
    if (entry.sourced.loadState === 'not-found' && !entry.runner) throw new NoSuchUnitError(name);
    const base = this.statusOf(name, entry);
    const def = entry.sourced.definition;
    const runner = entry.runner;
    return {
      ...base,
      fragmentPath: def?.fragmentPath,
      dropInPaths: def?.dropInPaths ?? [],
      unitFileState: await this.options.source.fileState(name),
      result: runner?.result ?? 'success',
      statusText: runner?.statusText,
      mainExec: runner?.mainExec,
      controlExecs: runner?.controlExecs ?? [],
      tasks: runner && runner.definition.kind === 'service' ? runner.tasks().length : undefined,
      restarts: runner?.restarts ?? 0,
      inactiveSince: runner?.inactiveSince,
      conditionResult: runner?.conditionResult ?? true,
      conditionFailed: runner?.conditionResult === false ? runner.conditionFailed : undefined,
      diagnostics: def?.diagnostics ?? [],
    };
  }

  private statusOf(name: string, entry: Entry): UnitStatus {
    const runner = entry.runner;
    const def = entry.sourced.definition;
    const status: UnitStatus = {
      name,
      loadState: entry.sourced.loadState,
      activeState: runner?.activeState ?? 'inactive',
      subState: runner?.subState ?? 'dead',
    };
    if (def?.description !== undefined) status.description = def.description;
    if (runner?.mainPid !== undefined) status.mainPid = runner.mainPid;
    if (runner?.since && runner.activeState === 'active') status.since = runner.since;
    if (def) status.hash = def.hash;
    if (runner) status.result = runner.result;
    if (def) status.canReload = def.service !== undefined && (def.service.execReload.length > 0 || def.service.type === 'notify-reload');
    return status;
  }

  onStateChange(listener: (change: UnitStateChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(name: string, previous: Pick<UnitStatus, 'activeState' | 'subState'>): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    const current = this.statusOf(name, entry);
    for (const listener of this.listeners) {
      try {
        listener({ name, previous, current });
      } catch (err) {
        this.options.log.warn({ err, unit: name }, 'unit state listener failed');
      }
    }
    if (this.closing) return;
    const down = current.activeState === 'inactive' || current.activeState === 'failed';
    const wasUp = previous.activeState !== 'inactive' && previous.activeState !== 'failed';
    if (down && wasUp) this.propagateDown(name, current.activeState === 'failed');
  }

  /** BindsTo= stops the bound units; OnFailure=/OnSuccess= start theirs. */
  private propagateDown(name: string, failed: boolean): void {
    for (const [other, entry] of this.entries) {
      const runner = entry.runner;
      if (other === name || !runner || isDown(runner)) continue;
      if (entry.sourced.definition?.deps.bindsTo.includes(name)) {
        this.stopUnits([other]).catch((err: unknown) => this.options.log.warn({ err, unit: other }, 'stop of bound unit failed'));
      }
    }
    const deps = this.view.deps(name);
    const next = failed ? deps?.onFailure : deps?.onSuccess;
    for (const unit of next ?? []) {
      this.startUnits([unit], 'start').catch((err: unknown) => this.options.log.warn({ err, unit }, failed ? 'OnFailure= unit failed' : 'OnSuccess= unit failed'));
    }
  }

  /** Starts the default target and so every enabled unit. */
  async boot(target: string): Promise<void> {
    await this.loadAll();
    await this.startUnits([target], 'start');
  }

  /** Stops every unit, dependents before their dependencies; Restart= does not apply. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const up = [...this.entries.entries()].filter(([, e]) => e.runner && !isDown(e.runner)).map(([n]) => n);
    const tx = planStop(up, this.view);
    await runOrdered(tx.stops, tx.waitsFor, (unit) => this.runJob(unit, (runner) => runner.shutdown()));
    for (const entry of this.entries.values()) await entry.runner?.shutdown();
  }
}

function isDown(runner: UnitRunner): boolean {
  return (runner.activeState === 'inactive' || runner.activeState === 'failed') && runner.subState !== 'auto-restart';
}

function orderedAfter(a: string, b: string, view: DependencyView): boolean {
  return (view.deps(a)?.after.includes(b) ?? false) || (view.deps(b)?.before.includes(a) ?? false);
}

/** Runs one job per unit, each once the jobs it waits for have finished; others run side by side. */
async function runOrdered(
  order: readonly string[],
  waitsFor: ReadonlyMap<string, ReadonlySet<string>>,
  job: (unit: string, done: ReadonlyMap<string, JobOutcome>) => Promise<JobOutcome>,
): Promise<Map<string, JobOutcome>> {
  const done = new Map<string, JobOutcome>();
  const running = new Map<string, Promise<JobOutcome>>();
  for (const unit of order) {
    const before = [...(waitsFor.get(unit) ?? [])].map((u) => running.get(u)!).filter(Boolean);
    running.set(
      unit,
      Promise.all(before).then(async () => {
        const outcome = await job(unit, done);
        done.set(unit, outcome);
        return outcome;
      }),
    );
  }
  await Promise.all(running.values());
  return done;
}
