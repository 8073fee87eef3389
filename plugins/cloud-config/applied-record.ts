import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppliedReport, FileReport } from './report.js';

const RECORD = 'applied.json';

/** What the previous boot applied, if it recorded anything. */
export async function readAppliedRecord(dataDir: string): Promise<AppliedReport | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, RECORD), 'utf8')) as AppliedReport;
  } catch {
    return undefined;
  }
}

export async function writeAppliedRecord(dataDir: string, report: AppliedReport): Promise<void> {
  const file = path.join(dataDir, RECORD);
  await writeFile(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/** Whether the document asks for the same file as when `previous` was applied. */
export function sameAsRecorded(previous: FileReport | undefined, wanted: Pick<FileReport, 'sha256' | 'permissions' | 'uid' | 'gid'>): boolean {
  return (
    previous !== undefined &&
    previous.sha256 === wanted.sha256 &&
    previous.permissions === wanted.permissions &&
    previous.uid === wanted.uid &&
    previous.gid === wanted.gid
  );
}
