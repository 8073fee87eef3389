import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ExecHandle, ExecRuntime, ExecSpec, JournalWriters, Logger } from '../../../core/index.js';
import { EXEC_SEARCH_PATH } from '../process/executable.js';
import { parseEnvironmentFile } from '../unit-file/environment.js';
import { expandArgv } from '../unit-file/exec-command.js';
import type { ExecCommand, ServiceSettings, UnitDefinition } from '../unit-file/definition.js';
import { pipeUnitOutput } from '../unit-output.js';
import { LaunchError, type Launcher } from './launcher.js';

/** The PATH systemd gives services: its fixed program search path. */
export const SERVICE_PATH = EXEC_SEARCH_PATH.join(':');

/** Records unit process groups so that a node killed hard can stop them when it starts again. */
export interface ProcessRecorder {
  add(unit: string, pgid: number, leaderStartTime?: number): unknown;
  remove(pgid: number): void;
}

export interface LauncherOptions {
  /** Asked in order; the first that accepts a command runs it. */
  runtimes: () => readonly ExecRuntime[];
  writers: JournalWriters;
  recorder?: ProcessRecorder;
  stderrPriority: number;
  log: Logger;
  /** Set for every unit before its own Environment=: how a unit reaches the node that runs it. */
  nodeEnvironment?: () => Record<string, string>;
}

/**
 * Turns an Exec*= command into a process: the unit's environment (Environment=, then
 * EnvironmentFile= read now), `$VAR` expansion, the runtime that accepts it, output to the journal.
 */
export class CommandLauncher implements Launcher {
  /** Processes started and not yet known to be over, with their group: their output is still read. */
  private readonly live = new Set<ExecHandle>();
  private closed = false;

  constructor(private readonly options: LauncherOptions) {}

  /**
   * Stops reading the output of what is left (KillMode=process leftovers, a group that outlived
   * its unit), so that the node can exit, and stops watching groups.
   */
  close(): void {
    this.closed = true;
    for (const handle of this.live) {
      handle.stdout.destroy();
      handle.stderr.destroy();
    }
    this.live.clear();
  }

  async launch(unit: UnitDefinition, command: ExecCommand, extraEnv: Readonly<Record<string, string>>): Promise<ExecHandle> {
    const svc = unit.service!;
    const env = { ...this.options.nodeEnvironment?.(), ...(await serviceEnvironment(svc)), ...extraEnv };
    const argv = expandArgv(command, env);
    const credentials = command.fullPrivileges || command.skipCredentials ? {} : { user: svc.user, group: svc.group };
    const spec: ExecSpec = {
      unit: unit.name,
      program: command.path,
      argv,
      env,
      cwd: svc.workingDirectory?.path,
      ...credentials,
      umask: svc.umask,
      sections: unit.sections,
    };
    const runtime = this.options.runtimes().find((r) => r.accepts(spec));
    if (!runtime) throw new LaunchError(`no runtime can run ${command.path}`, 203);
    const verdict = await runtime.check(spec);
    if (!verdict.ok) throw new LaunchError(verdict.reason, 203);
    let handle: ExecHandle;
    try {
      handle = await runtime.spawn(spec);
    } catch (err) {
      throw new LaunchError(err instanceof Error ? err.message : String(err), 203);
    }
    this.live.add(handle);
    this.record(unit.name, handle);
    pipeUnitOutput(handle, {
      unit: unit.name,
      identifier: svc.syslogIdentifier,
      stderrPriority: this.options.stderrPriority,
      standardOutput: svc.standardOutput,
      standardError: svc.standardError,
      openSink: (source) => this.options.writers.stream(source),
      onError: (err, stream) => {
        if (!this.closed) this.options.log.warn({ err, unit: unit.name, stream }, 'could not journal unit output');
      },
    }).catch((err: unknown) => this.options.log.warn({ err, unit: unit.name }, 'unit output failed'));
    return handle;
  }

  private record(unit: string, handle: ExecHandle): void {
    const recorder = this.options.recorder;
    const pid = handle.pid;
    if (pid !== undefined) recorder?.add(unit, pid, (handle as { startTime?: number }).startTime);
    void handle.exited.then(async () => {
      // The group may outlive its leader; it is forgotten once nothing is left in it.
      while (!this.closed && (handle.remaining?.() ?? []).length > 0) await new Promise((r) => setTimeout(r, 200).unref());
      this.live.delete(handle);
      if (pid !== undefined && !this.closed) recorder?.remove(pid);
    });
  }
}

/** Environment= then EnvironmentFile= (which override it), on top of what systemd always sets. */
export async function serviceEnvironment(svc: ServiceSettings): Promise<Record<string, string>> {
  const env: Record<string, string> = { PATH: SERVICE_PATH, INVOCATION_ID: randomBytes(16).toString('hex') };
  for (const [name, value] of svc.environment) env[name] = value;
  for (const ref of svc.environmentFiles) {
    let text: string;
    try {
      text = await readFile(ref.path, 'utf8');
    } catch (err) {
      if (ref.optional && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new LaunchError(`Failed to load environment files: ${ref.path}: ${(err as Error).message}`, 243);
    }
    for (const [name, value] of parseEnvironmentFile(text, ref.path).assignments) env[name] = value;
  }
  return env;
}
