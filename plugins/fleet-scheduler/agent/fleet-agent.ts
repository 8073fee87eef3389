import { withDeadline, type Disposable, type Logger, type UnitManager, type UnitStatus } from '../../../core/index.js';
import type { FleetRegistry } from '../registry/fleet-registry.js';
import type { AssignmentRecord, MachineRecord, UnitStateRecord } from '../registry/records.js';
import { serializeUnitOptions } from '../unit-file/unit-options.js';
import { forEachBounded } from '../bounded-parallel.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import { watchDirectory } from '../registry/directory-watch.js';
import type { LoadedUnits } from './loaded-units.js';
import { MachinePresence } from './machine-presence.js';

const STOP_WAIT_MS = 1000;

export interface FleetAgentOptions {
  registry: FleetRegistry;
  units: UnitManager;
  loaded: LoadedUnits;
  machine: () => MachineRecord;
  ttlMs: number;
  heartbeatMs: number;
  reconcileMs: number;
  log: Logger;
}

const CONCURRENCY = 32;

/**
 * The agent of one machine: keeps the machine present in the registry, watches the machine's
 * own assignments (and nothing else), makes the unit manager match them, and publishes the
 * states of its units. Cut off from the store, it stops its units; shut down, it unloads them
 * and leaves the cluster so the engine moves them at once.
 */
export class FleetAgent {
  private readonly presence: MachinePresence;
  private readonly launched = new Set<string>();
  private assignments = new Map<string, AssignmentRecord>();
  private watch?: { close(): void };
  private timer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private stateEvents?: Disposable;
  private running = false;
  private readonly reconciler = new CoalescingRunner(
    () => this.reconcile(),
    () => this.running,
    (err) => this.options.log.warn({ err }, 'agent reconcile failed; retrying on the next change or tick'),
  );
  private publishTimer?: NodeJS.Timeout;
  private fenced = false;

  constructor(private readonly options: FleetAgentOptions) {
    this.presence = new MachinePresence({
      registry: options.registry,
      record: options.machine,
      ttlMs: options.ttlMs,
      intervalMs: options.heartbeatMs,
      log: options.log,
      onCutOff: () => this.cutOff(),
      onContact: () => {
        this.fenced = false;
        this.wake();
      },
    });
  }

  get machineId(): string {
    return this.options.machine().id;
  }

  async start(): Promise<void> {
    this.running = true;
    this.stateEvents = this.options.units.onStateChange((change) => {
      if (this.options.loaded.units.has(change.name)) this.schedulePublish();
    });
    this.watch = watchDirectory(this.options.registry.kv, this.options.registry.keys.machineSchedule(this.machineId), () => this.wake(), this.options.log);
    this.timer = setInterval(() => this.wake(), this.options.reconcileMs);
    // States carry the machine's TTL, so they are renewed as often as its presence.
    this.refreshTimer = setInterval(() => this.schedulePublish(), this.options.heartbeatMs);
    this.presence.start();
  }

  /** The node's API listens now (only after every plugin started): announce its address at once. */
  announce(): Promise<void> {
    return this.presence.beat();
  }

  /** Leaves the cluster: units unloaded, states and presence removed. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    clearInterval(this.refreshTimer);
    clearTimeout(this.publishTimer);
    this.watch?.close();
    this.presence.stop();
    this.stateEvents?.dispose();
    // A reconcile waiting on a store without quorum would hold the stop up to the store's timeout.
    await withDeadline(this.reconciler.inProgress, STOP_WAIT_MS, 'the last reconcile').catch(() => undefined);
    await forEachBounded([...this.options.loaded.units.keys()], CONCURRENCY, (name) => this.unload(name));
    // Without a quorum (the whole cluster stopping) the leave cannot be written; the TTL does it then.
    const { registry, ttlMs, log } = this.options;
    await withDeadline(Promise.all([registry.removeStates(this.machineId), registry.removeMachine(this.machineId)]), Math.min(ttlMs, 2 * STOP_WAIT_MS), 'leaving the cluster').catch(
      (err) => log.warn({ err }, 'could not leave the cluster; the machine goes when its TTL runs out'),
    );
  }

  /** Runs a reconcile now (or right after the one running) and resolves when it is done. */
  wake(): Promise<void> {
    return this.reconciler.run();
  }

  private async reconcile(): Promise<void> {
    if (this.fenced || !this.presence.isConnected) return;
    const { assignments } = await this.options.registry.machineSchedule(this.machineId);
    if (this.fenced) return;
    this.assignments = assignments;
    const { loaded } = this.options;
    const gone = [...loaded.units.keys()].filter((name) => !assignments.has(name));
    await forEachBounded(gone, CONCURRENCY, (name) => this.unload(name));
    await forEachBounded([...assignments], CONCURRENCY, ([name, assignment]) =>
      this.apply(name, assignment).catch((err) => this.options.log.warn({ err, unit: name }, 'unit not brought to its assigned state')),
    );
    this.schedulePublish();
  }

  private async apply(name: string, assignment: AssignmentRecord): Promise<void> {
    const { loaded, units, registry } = this.options;
    if (!this.running) return;
    if (loaded.units.get(name) !== assignment.hash) {
      if (loaded.units.has(name)) await this.unload(name);
      const options = await registry.unitOptions(assignment.hash);
      if (!options) throw new Error(`unit file ${assignment.hash} of ${name} is missing from the registry`);
      await units.load(name, serializeUnitOptions(options));
      await loaded.set(name, assignment.hash);
    }
    if (this.fenced || !this.running) return;
    if (assignment.desiredState === 'launched' && !this.launched.has(name)) {
      this.launched.add(name);
      await units.start(name).catch((err) => this.options.log.warn({ err, unit: name }, 'unit did not start'));
    } else if (assignment.desiredState === 'loaded' && this.launched.has(name)) {
      this.launched.delete(name);
      await units.stop(name).catch((err) => this.options.log.warn({ err, unit: name }, 'unit did not stop'));
    }
  }

  private async unload(name: string): Promise<void> {
    this.launched.delete(name);
    await this.options.units.unload(name).catch((err) => this.options.log.warn({ err, unit: name }, 'unit did not unload'));
    await this.options.loaded.delete(name);
  }

  /** Lost the store: nothing of this machine's may keep running where the engine may start it elsewhere. */
  private cutOff(): void {
    this.fenced = true;
    const running = [...this.launched];
    this.launched.clear();
    void forEachBounded(running, CONCURRENCY, (name) => this.options.units.stop(name).then(() => undefined)).catch(() => undefined);
  }

  private schedulePublish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish().catch((err) => this.options.log.debug({ err }, 'unit states not published'));
    }, 10);
  }

  private async publish(): Promise<void> {
    if (!this.running || this.fenced) return;
    const { loaded, units, registry } = this.options;
    const states: Record<string, UnitStateRecord> = {};
    await Promise.all(
      [...loaded.units].map(async ([name, hash]) => {
        const status: UnitStatus | undefined = await units.status(name).catch(() => undefined);
        if (!status) return;
        states[name] = {
          loadState: status.loadState,
          activeState: status.activeState,
          subState: status.subState,
          hash,
          launched: this.launched.has(name),
        };
      }),
    );
    await registry.publishStates(this.machineId, states, Math.ceil(this.options.ttlMs / 1000));
  }
}
