import type { Logger } from '../../core/index.js';
import { sameAsRecorded } from './applied-record.js';
import { CloudConfigError, entryKey } from './boot-problem.js';
import type { FileSettings } from './config.js';
import { applyFilePlan } from './file-writer.js';
import { planFile, type FilePlan } from './file-plan.js';
import type { FileOutcome, FileReport } from './report.js';

/**
 * Writes the document's files, all or none: every file is checked against the disk first, and
 * one that cannot be written stops the node before any is.
 */
export async function applyFiles(files: readonly FileSettings[], previous: readonly FileReport[], log: Logger): Promise<FileReport[]> {
  const plans: FilePlan[] = [];
  const problems: string[] = [];
  for (const [index, file] of files.entries()) {
    const planned = await planFile(file, index);
    if (planned.ok) plans.push(planned.plan);
    else problems.push(`${entryKey(file, 'files', index, planned.field)}: ${planned.problem}`);
  }
  if (problems.length > 0) throw new CloudConfigError(problems);

  const reports: FileReport[] = [];
  for (const plan of plans) {
    const { file } = plan;
    if (plan.changes.length > 0) await applyFilePlan(plan);
    const report: FileReport = {
      path: file.path,
      outcome: 'unchanged',
      changes: plan.changes,
      sha256: file.sha256,
      permissions: file.permissions,
      ...(file.uid !== undefined ? { uid: file.uid } : {}),
      ...(file.gid !== undefined ? { gid: file.gid } : {}),
    };
    report.outcome = outcomeOf(plan, previous.find((p) => p.path === file.path), report);
    if (report.outcome === 'unchanged') log.debug({ path: file.path }, 'file unchanged');
    else log.info({ path: file.path, outcome: report.outcome, changes: plan.changes }, `file ${report.outcome}`);
    reports.push(report);
  }
  return reports;
}

function outcomeOf(plan: FilePlan, previous: FileReport | undefined, wanted: FileReport): FileOutcome {
  if (plan.changes.length === 0) return 'unchanged';
  if (!plan.exists) return 'created';
  return sameAsRecorded(previous, wanted) ? 'restored' : 'updated';
}
