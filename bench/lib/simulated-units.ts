import type { Disposable, UnitFiles, UnitFilesWritten, UnitManager, UnitStateChange, UnitStatus } from '../../core/index.js';

/**
 * A machine's unit manager that runs nothing: load, start and stop only change its state,
 * at once. It stands in for the supervisor of each simulated machine in bench/scheduler.
 */
export class SimulatedUnits implements UnitManager {
  private readonly units = new Map<string, UnitStatus>();
  private readonly listeners = new Set<(change: UnitStateChange) => void>();

  async load(name: string): Promise<UnitStatus> {
    const status = this.units.get(name) ?? { name, loadState: 'loaded' as const, activeState: 'inactive' as const, subState: 'dead' };
    this.units.set(name, status);
    return status;
  }

  async install(name: string, files: UnitFiles): Promise<UnitFilesWritten> {
    return { status: await this.load(name), unitFile: files.content !== undefined, dropIns: (files.dropIns ?? []).map((d) => d.name) };
  }

  async enable(): Promise<string[]> {
    return [];
  }

  async reload(name: string): Promise<UnitStatus> {
    return this.status(name);
  }

  async unload(name: string): Promise<void> {
    this.units.delete(name);
  }

  async start(name: string): Promise<UnitStatus> {
    return this.change(name, 'active', 'running');
  }

  async stop(name: string): Promise<UnitStatus> {
    return this.change(name, 'inactive', 'dead');
  }

  async restart(name: string): Promise<UnitStatus> {
    return this.change(name, 'active', 'running');
  }

  async status(name: string): Promise<UnitStatus> {
    const status = this.units.get(name);
    if (!status) throw new Error(`Unit ${name} not found.`);
    return status;
  }

  async list(): Promise<UnitStatus[]> {
    return [...this.units.values()];
  }

  onStateChange(listener: (change: UnitStateChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private change(name: string, activeState: UnitStatus['activeState'], subState: string): UnitStatus {
    const previous = this.units.get(name);
    if (!previous) throw new Error(`Unit ${name} not found.`);
    const current = { ...previous, activeState, subState };
    this.units.set(name, current);
    for (const listener of this.listeners) listener({ name, previous, current });
    return current;
  }
}
