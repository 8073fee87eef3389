import { withDeadline, type KvResult, type Logger, type SchedulingConstraint } from '../../../core/index.js';
import { forEachBounded } from '../bounded-parallel.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import { watchDirectory } from '../registry/directory-watch.js';
import type { FleetRegistry } from '../registry/fleet-registry.js';
import { loadSnapshot } from './cluster-snapshot.js';
import { reconcileSchedule, type ScheduleChanges } from './scheduler.js';

const STOP_WAIT_MS = 1000;

export interface FleetEngineOptions {
  registry: FleetRegistry;
  machineId: string;
  constraints: () => readonly SchedulingConstraint[];
  reconcileMs: number;
  leaseTtlMs: number;
  /** See the machinesToScore setting. */
  machinesToScore?: number;
  log: Logger;
}

export interface ReconcileReport {
  assigned: number;
  unassigned: number;
  unplaceable: number;
}

const WRITES_IN_FLIGHT = 512;

/**
 * The cluster's scheduler. Every machine may run one; the one holding the lease (a TTL key
 * taken with compare-and-swap) reconciles: when jobs, machines or metadata change, and on a
 * timer. A reconcile reads the registry, decides in memory, and writes only the differences:
 * removals first, so a machine gives a unit up before another is told to take it.
 */
export class FleetEngine {
  private watches: { close(): void }[] = [];
  private timer?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  private leader = false;
  private running = false;
  private readonly reconciler = new CoalescingRunner(
    () => this.reconcile(),
    () => this.running && this.leader,
    (err) => this.options.log.warn({ err }, 'engine reconcile failed; retrying on the next change or tick'),
  );
  private lastUnplaceable = new Map<string, string>();
  /** Set when units were destroyed since the last sweep of unused unit files (and at start). */
  private sweepDue = true;
  /** Completed reconciles, for tests and metrics. */
  reconciles = 0;

  constructor(private readonly options: FleetEngineOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.running = true;
    const { registry, log } = this.options;
    const onChange = () => this.wake();
    const onJobChange = (event?: KvResult) => {
      // A destroyed unit may leave its unit file unused; a broken watch may have missed one.
      if (event === undefined || event.action === 'delete') this.sweepDue = true;
      this.wake();
    };
    this.watches = [
      watchDirectory(registry.kv, registry.keys.jobs, onJobChange, log),
      ...[registry.keys.machines, registry.keys.metadata].map((dir) => watchDirectory(registry.kv, dir, onChange, log)),
    ];
    // A lease that expires or is given up is taken at once, not at the next renewal tick.
    this.watches.push(
      watchDirectory(registry.kv, registry.keys.engineLease, (event) => {
        if (!this.leader && (event === undefined || event.action === 'expire' || event.action === 'delete' || event.action === 'compareAndDelete')) void this.renewLease();
      }, log),
    );
    this.timer = setInterval(() => this.wake(), this.options.reconcileMs);
    this.leaseTimer = setInterval(() => void this.renewLease(), Math.max(100, Math.floor(this.options.leaseTtlMs / 3)));
    void this.renewLease().then(() => this.wake());
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    clearInterval(this.leaseTimer);
    for (const watch of this.watches) watch.close();
    // A reconcile waiting on a store without quorum would hold the stop up to the store's timeout.
    await withDeadline(this.reconciler.inProgress, STOP_WAIT_MS, 'the last reconcile').catch(() => undefined);
    if (this.leader) {
      this.leader = false;
      await withDeadline(this.options.registry.releaseLease(this.options.machineId), 1000, 'releasing the engine lease').catch(() => undefined);
    }
  }

  /** Reconciles now (or right after the running one) when this engine leads. */
  wake(): Promise<void> {
    return this.reconciler.run();
  }

  private async renewLease(): Promise<void> {
    if (!this.running) return;
    const { registry, machineId, leaseTtlMs, log } = this.options;
    const held = await registry.holdLease(machineId, Math.max(1, Math.ceil(leaseTtlMs / 1000))).catch(() => false);
    if (held !== this.leader) {
      log.info({ machineId }, held ? 'this machine now runs the cluster engine' : 'this machine no longer runs the cluster engine');
      this.leader = held;
      if (held) void this.wake();
    }
  }

  async reconcile(): Promise<ReconcileReport> {
    const { registry, constraints, log } = this.options;
    const snapshot = await loadSnapshot(registry);
    const changes = reconcileSchedule({ ...snapshot, constraints: constraints(), machinesToScore: this.options.machinesToScore });
    await this.write(changes);
    this.reportUnplaceable(changes.unplaceable);
    if (this.sweepDue) {
      this.sweepDue = false;
      const removed = await registry.collectUnusedContent();
      if (removed > 0) log.debug({ removed }, 'unused unit files removed');
    }
    this.reconciles++;
    if (changes.assign.length + changes.unassign.length > 0) {
      log.debug({ assigned: changes.assign.length, unassigned: changes.unassign.length }, 'schedule changed');
    }
    return { assigned: changes.assign.length, unassigned: changes.unassign.length, unplaceable: changes.unplaceable.size };
  }

  private async write(changes: ScheduleChanges): Promise<void> {
    const { registry, log } = this.options;
    for (const { unit, machine, reason } of changes.unassign) log.info({ unit, machine, reason }, 'unit unscheduled');
    await forEachBounded(changes.unassign, WRITES_IN_FLIGHT, ({ machine, unit }) => registry.unassign(machine, unit));
    await forEachBounded(changes.assign, WRITES_IN_FLIGHT, ({ machine, unit, assignment }) => registry.assign(machine, unit, assignment));
  }

  private reportUnplaceable(unplaceable: Map<string, string>): void {
    for (const [unit, reason] of unplaceable) {
      if (this.lastUnplaceable.get(unit) !== reason) this.options.log.warn({ unit, reason }, 'no machine can take this unit');
    }
    this.lastUnplaceable = unplaceable;
  }
}
