import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { lookupUser, type ExecHandle, type ExecRuntime, type ExecSpec, type ExitStatus, type RuntimeVerdict } from '../../../core/index.js';
import { executableProblem, ProgramNotFoundError, resolveProgram } from './executable.js';
import { processesInGroup, processStartTime, signalGroup, signalWithContinue } from './process-group.js';
import { CredentialsError, resolveCredentials, type Credentials } from './credentials.js';

/** UMask= when the unit does not set it. */
export const DEFAULT_UMASK = 0o022;
/** WorkingDirectory= when the unit does not set it (system services start in /). */
export const DEFAULT_WORKING_DIRECTORY = '/';

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOEXEC: 'exec format error',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  E2BIG: 'argument list too long',
  ETXTBSY: 'text file busy',
  EISDIR: 'is a directory',
  ENOMEM: 'out of memory',
  EAGAIN: 'resource temporarily unavailable',
};

/** The process could not be started; the message names the unit and the program. */
export class SpawnError extends Error {
  constructor(
    readonly unit: string,
    readonly program: string,
    reason: string,
    readonly code?: string,
  ) {
    super(`${unit}: failed to execute ${program}: ${reason}`);
    this.name = 'SpawnError';
  }
}

/** A running local process, leader of its own session and process group. */
export class ProcessHandle implements ExecHandle {
  readonly id: string;
  readonly pid: number;
  /** Equal to pid: the process leads its group. */
  readonly pgid: number;
  /** /proc start time of the leader (clock ticks after boot), for the process ledger. */
  readonly startTime: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exited: Promise<ExitStatus>;
  /** Resolves once stdout and stderr have both closed, which may be long after `exited` when children hold them open. */
  readonly streamsClosed: Promise<void>;
  private hasExited = false;

  constructor(child: ChildProcessByStdio<null, Readable, Readable>) {
    this.pid = child.pid!;
    this.pgid = this.pid;
    this.id = String(this.pid);
    this.startTime = processStartTime(this.pid);
    this.stdout = child.stdout;
    this.stderr = child.stderr;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        resolve({ code, signal });
      });
    });
    this.streamsClosed = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** The live processes of the group, the main one included while it runs. */
  remaining(): number[] {
    return processesInGroup(this.pgid, this.startTime);
  }

  /**
   * `main` signals the process itself (nothing once it has been reaped, since its pid may be
   * reused); `all` signals its whole process group, which outlives it while children remain.
   * SIGCONT follows, as systemd sends it after a kill signal.
   */
  async kill(signal: NodeJS.Signals, scope: 'main' | 'all' = 'main'): Promise<void> {
    if (scope === 'all') signalGroup(this.pgid, signal);
    else if (!this.hasExited) signalWithContinue(this.pid, signal);
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** WorkingDirectory=, with `~` as the home of User= (or of this process's user). */
function workingDirectory(spec: ExecSpec, credentials: Credentials | undefined): string {
  if (spec.cwd === undefined) return DEFAULT_WORKING_DIRECTORY;
  if (spec.cwd !== '~') return spec.cwd;
  const home = credentials?.user?.home ?? lookupUser(String(process.getuid?.() ?? 0))?.home;
  return home ?? DEFAULT_WORKING_DIRECTORY;
}

/** Everything spawn() needs, resolved; throws with a reason fit for the user. */
interface Launch {
  file: string;
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  credentials: Credentials | undefined;
}

function prepare(spec: ExecSpec): Launch {
  const argv0 = spec.argv[0];
  if (argv0 === undefined) throw new SpawnError(spec.unit, '(none)', 'the command line is empty');
  const program = spec.program ?? argv0;
  let file: string;
  let credentials: Credentials | undefined;
  try {
    file = resolveProgram(program);
    credentials = resolveCredentials(spec.user, spec.group);
  } catch (error) {
    if (error instanceof ProgramNotFoundError || error instanceof CredentialsError) throw new SpawnError(spec.unit, program, error.message);
    throw error;
  }
  const cwd = workingDirectory(spec, credentials);
  if (!path.isAbsolute(cwd)) throw new SpawnError(spec.unit, file, `working directory ${cwd} is not an absolute path`);
  if (!isDirectory(cwd)) throw new SpawnError(spec.unit, file, `working directory ${cwd} does not exist`, 'ENOENT');
  return { file, argv: spec.argv, cwd, env: { ...credentials?.env, ...spec.env }, credentials };
}

/**
 * Runs a unit's commands as local processes, without a shell. Each process leads its own session
 * and process group, which stands in for the unit's cgroup when killing: a daemon that starts a new
 * session (setsid) or moves to another group escapes it.
 *
 * With User=/Group=, the process runs with that uid and gid and no supplementary groups (Node's
 * spawn drops them and cannot call initgroups).
 */
export class ProcessRuntime implements ExecRuntime {
  readonly name = 'process';

  /** The fallback runtime: asked last, it takes everything. */
  accepts(_spec: ExecSpec): boolean {
    return true;
  }

  async check(spec: ExecSpec): Promise<RuntimeVerdict> {
    let launch: Launch;
    try {
      launch = prepare(spec);
    } catch (error) {
      if (error instanceof SpawnError) return { ok: false, reason: error.message };
      throw error;
    }
    const problem = executableProblem(launch.file, launch.credentials);
    return problem === undefined ? { ok: true } : { ok: false, reason: `${spec.unit}: cannot execute ${launch.file}: ${problem}` };
  }

  /** Resolves once the program has been executed (Type=exec); rejects with a SpawnError when it could not be. */
  async spawn(spec: ExecSpec): Promise<ProcessHandle> {
    const launch = prepare(spec);
    let child: ChildProcessByStdio<null, Readable, Readable>;
    // The child inherits the umask at fork, which happens inside this synchronous call.
    const previousUmask = process.umask(spec.umask ?? DEFAULT_UMASK);
    try {
      child = spawn(launch.file, launch.argv.slice(1), {
        argv0: launch.argv[0],
        cwd: launch.cwd,
        env: launch.env,
        uid: launch.credentials?.uid,
        gid: launch.credentials?.gid,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new SpawnError(spec.unit, launch.file, (error as Error).message, (error as NodeJS.ErrnoException).code);
    } finally {
      process.umask(previousUmask);
    }
    if (child.pid === undefined) {
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
      const code = error.code ?? '';
      throw new SpawnError(spec.unit, launch.file, ERRNO_TEXT[code] ?? (code || error.message), error.code);
    }
    // Taken before the event loop can reap the child, so its /proc entry is still there.
    const handle = new ProcessHandle(child);
    // Once spawned, 'error' would only report a failed child.kill(), which this layer does not use.
    child.on('error', () => {});
    await new Promise<void>((resolve) => child.once('spawn', resolve));
    return handle;
  }
}
