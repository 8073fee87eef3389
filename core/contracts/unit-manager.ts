/** Units on this machine: load, start, stop and observe them (systemctl's verbs). */

export type UnitLoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';
export type UnitActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating';

export interface UnitStatus {
  name: string;
  description?: string;
  loadState: UnitLoadState;
  activeState: UnitActiveState;
  /** systemd's sub-state: running, exited, dead, auto-restart, start-pre, … */
  subState: string;
  mainPid?: number;
  /** When the unit last entered its active state. */
  since?: Date;
  /** Hash of the unit's text as loaded, so a changed unit can be replaced. */
  hash?: string;
  /** systemd's Result= of the last run: success, exit-code, signal, timeout, watchdog, start-limit-hit, … */
  result?: string;
}

export interface UnitStateChange {
  name: string;
  previous: Pick<UnitStatus, 'activeState' | 'subState'>;
  current: UnitStatus;
}

export interface Disposable {
  dispose(): void;
}

export interface UnitManager {
  /** Writes (or replaces) the unit file and reloads it. */
  load(name: string, content: string): Promise<UnitStatus>;
  /** Stops the unit if it runs and removes its file. */
  unload(name: string): Promise<void>;
  start(name: string): Promise<UnitStatus>;
  stop(name: string): Promise<UnitStatus>;
  restart(name: string): Promise<UnitStatus>;
  status(name: string): Promise<UnitStatus>;
  list(): Promise<UnitStatus[]>;
  onStateChange(listener: (change: UnitStateChange) => void): Disposable;
}
