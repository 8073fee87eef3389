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
  /** systemd's CanReload=: whether `reload` can work (ExecReload= or a reload signal). */
  canReload?: boolean;
}

/** A unit file and drop-ins to place in the manager's writable unit directory. */
export interface UnitFiles {
  /** The unit file's text; absent to leave the unit file as it is (only drop-ins). */
  content?: string;
  /** `<name>.d/<drop-in>` files, each named `*.conf`. Drop-ins not listed are left as they are. */
  dropIns?: readonly { name: string; content: string }[];
}

/** What `install` wrote: files whose text was already the same were not touched. */
export interface UnitFilesWritten {
  status: UnitStatus;
  /** Whether the unit file was written. */
  unitFile: boolean;
  /** The names of the drop-ins written. */
  dropIns: string[];
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
  /**
   * Writes the unit file and drop-ins that differ from what is on disk (each atomically), then
   * reloads the unit; files with the same text are not touched.
   */
  install(name: string, files: UnitFiles): Promise<UnitFilesWritten>;
  /** Makes the links the unit's [Install] section asks for; returns those it created (none when enabled already). */
  enable(name: string): Promise<string[]>;
  /** Stops the unit if it runs and removes its file. */
  unload(name: string): Promise<void>;
  start(name: string): Promise<UnitStatus>;
  stop(name: string): Promise<UnitStatus>;
  restart(name: string): Promise<UnitStatus>;
  /** Asks the running unit to reload its configuration; fails when it cannot (see `canReload`) or is not active. */
  reload(name: string): Promise<UnitStatus>;
  status(name: string): Promise<UnitStatus>;
  list(): Promise<UnitStatus[]>;
  onStateChange(listener: (change: UnitStateChange) => void): Disposable;
}
