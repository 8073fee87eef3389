import type { FileChange } from './file-plan.js';
import type { UnitCommand } from './config.js';

/**
 * What became of a file: `created`, `updated` (the document changed it since the last boot),
 * `restored` (the document did not change, the disk did) or `unchanged`.
 */
export type FileOutcome = 'created' | 'updated' | 'restored' | 'unchanged';

export interface FileReport {
  path: string;
  outcome: FileOutcome;
  /** What was changed on disk. */
  changes: FileChange[];
  sha256: string;
  permissions: string;
  uid?: number;
  gid?: number;
}

export interface CommandReport {
  command: UnitCommand;
  /** `done`, `skipped` (try-restart of a unit that is not active) or `failed`. */
  result: 'done' | 'skipped' | 'failed';
  /** The unit's active state after it. */
  activeState?: string;
  reason?: string;
}

export interface UnitReport {
  name: string;
  /** `written` when the unit file or a drop-in was written or a link made, else `unchanged`. */
  outcome: 'written' | 'unchanged';
  unitFile: boolean;
  dropIns: string[];
  /** Links `enable` made. */
  links: string[];
  /** Why enable did not succeed. */
  enableError?: string;
  loadState?: string;
  command?: CommandReport;
}

/** What this boot applied; served at /v1/cloud-config and kept in the plugin's data directory. */
export interface AppliedReport {
  /** The config file the document came from. */
  source?: string;
  /** `files` once the files are written, `done` once the units are applied too. */
  phase: 'pending' | 'files' | 'done';
  appliedAt?: string;
  files: FileReport[];
  units: UnitReport[];
}

/** One line for the log: how many of each. */
export function summarize(report: AppliedReport): string {
  const count = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length;
  const files = `${count(report.files, (f) => f.outcome !== 'unchanged')} file(s) written, ${count(report.files, (f) => f.outcome === 'unchanged')} unchanged`;
  const units = `${count(report.units, (u) => u.outcome === 'written')} unit(s) written, ${count(report.units, (u) => u.outcome === 'unchanged')} unchanged`;
  const failed = count(report.units, (u) => u.command?.result === 'failed' || u.enableError !== undefined);
  return `cloud-config applied: ${files}; ${units}${failed > 0 ? `; ${failed} unit(s) failed` : ''}`;
}
