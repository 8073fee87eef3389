import type { UnitManager, UnitStatus } from '../../core/index.js';
import type { UnitDiagnostic } from './unit-file/definition.js';

/** How a unit's file is enabled (systemctl is-enabled). */
export type UnitFileState = 'enabled' | 'disabled' | 'static' | 'indirect' | 'bad';

/** Why a unit last stopped or failed (systemd's Result=). */
export type UnitResult = 'success' | 'exit-code' | 'signal' | 'core-dump' | 'timeout' | 'watchdog' | 'start-limit-hit' | 'resources' | 'condition' | 'protocol';

/** One process the supervisor ran for a unit: the main process or an Exec*= control command. */
export interface ExecRecord {
  /** ExecStartPre, ExecStart, ExecStop, … */
  setting: string;
  text: string;
  pid?: number;
  startedAt: Date;
  exitedAt?: Date;
  /** `exited` with a code, `killed` by a signal. */
  code?: 'exited' | 'killed';
  /** Exit code, or the signal's name. */
  status?: number | string;
}

/** Everything `flotilla unit status` shows. */
export interface UnitStatusDetail extends UnitStatus {
  fragmentPath?: string;
  dropInPaths: string[];
  unitFileState: UnitFileState;
  result: UnitResult;
  /** STATUS= from sd_notify. */
  statusText?: string;
  /** The main process: running, or how it ended. */
  mainExec?: ExecRecord;
  /** The control commands of the last start/stop/reload, in order. */
  controlExecs: ExecRecord[];
  /** Processes the unit has now (its process group). */
  tasks?: number;
  restarts: number;
  /** When the unit last entered `inactive` or `failed`. */
  inactiveSince?: Date;
  /** False when the last start was skipped because a condition failed. */
  conditionResult: boolean;
  /** The condition that failed, as written (`ConditionPathExists=/x`). */
  conditionFailed?: string;
  diagnostics: UnitDiagnostic[];
}

/** The unit manager with systemctl's other verbs: what the API and the CLI drive. */
export interface UnitControl extends UnitManager {
  detail(name: string): Promise<UnitStatusDetail>;
  reload(name: string): Promise<UnitStatus>;
  /** Creates the `WantedBy=`/`RequiredBy=` links; returns what it created (paths). */
  enable(name: string): Promise<string[]>;
  /** Removes them; returns what it removed. */
  disable(name: string): Promise<string[]>;
  resetFailed(name?: string): Promise<void>;
  /** The unit file and its drop-ins, in the order they apply. */
  cat(name: string): Promise<{ path: string; text: string }[]>;
  /** Rereads every unit file; running units keep running with their new definition for the next start. */
  daemonReload(): Promise<void>;
}

/** A unit name the manager does not know: 404 in the API, exit 4 in the CLI (systemctl's "not found"). */
export class NoSuchUnitError extends Error {
  readonly code = 'ENOUNIT';
  constructor(readonly unit: string) {
    super(`Unit ${unit} not found.`);
    this.name = 'NoSuchUnitError';
  }
}

/** A start/stop/reload job that did not succeed: the API answers 409 with this message. */
export class UnitJobError extends Error {
  readonly code = 'EJOB';
  constructor(
    readonly unit: string,
    readonly job: 'start' | 'stop' | 'restart' | 'reload',
    readonly reason: string,
  ) {
    super(`Job for ${unit} failed because ${reason}.`);
    this.name = 'UnitJobError';
  }
}
