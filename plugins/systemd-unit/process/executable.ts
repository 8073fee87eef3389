import { statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Where systemd looks up a bare program name in Exec*= (not the unit's $PATH). */
export const EXEC_SEARCH_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Who is going to execute the file; this process when absent. */
export interface Executor {
  uid: number;
  gid: number;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Why `executor` cannot execute `file`, or undefined when it can. */
export function executableProblem(file: string, executor?: Executor): string | undefined {
  const stats = statOrUndefined(file);
  if (!stats) return `${file} does not exist`;
  if (!stats.isFile()) return `${file} is not a regular file`;
  const uid = executor?.uid ?? process.getuid?.() ?? 0;
  const gid = executor?.gid ?? process.getgid?.() ?? 0;
  // Supplementary groups are dropped for User=/Group= (see process-runtime.ts), so only the primary group counts.
  const bit = uid === 0 ? 0o111 : stats.uid === uid ? 0o100 : stats.gid === gid ? 0o010 : 0o001;
  if ((stats.mode & bit) === 0) return `${file} is not executable${executor ? ` by uid ${uid}` : ''}`;
  return undefined;
}

export class ProgramNotFoundError extends Error {
  constructor(
    readonly program: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ProgramNotFoundError';
  }
}

/**
 * The file to execute for an Exec*= program: an absolute path as it is, a bare name looked up in
 * EXEC_SEARCH_PATH. Relative paths with a slash are refused, as systemd does.
 */
export function resolveProgram(program: string, searchPath: readonly string[] = EXEC_SEARCH_PATH): string {
  if (program === '') throw new ProgramNotFoundError(program, 'the command is empty');
  if (path.isAbsolute(program)) return program;
  if (program.includes('/')) throw new ProgramNotFoundError(program, `${program} is neither an absolute path nor a bare program name`);
  for (const dir of searchPath) {
    const candidate = path.join(dir, program);
    if (executableProblem(candidate) === undefined) return candidate;
  }
  throw new ProgramNotFoundError(program, `${program} was not found in ${searchPath.join(':')}`);
}
