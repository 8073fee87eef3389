import type { Readable } from 'node:stream';

/** What a unit asks a runtime to run as its main (or a control) process. */
export interface ExecSpec {
  unit: string;
  /** Program and arguments after systemd's command-line expansion; never run through a shell. */
  argv: readonly string[];
  /** The file to execute when it is not argv[0] (the `@` prefix of Exec*=). */
  program?: string;
  env: Readonly<Record<string, string>>;
  cwd?: string;
  user?: string;
  group?: string;
  umask?: number;
  /** The unit's sections, for runtimes that read more than the command line ([Container]). */
  sections?: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>>;
}

export interface ExitStatus {
  /** Exit code when the process exited; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ExecHandle {
  /** A process id for local processes, a container id for containers. */
  readonly id: string;
  readonly pid?: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Fields the journal adds to this process's output lines (CONTAINER_ID, …). */
  readonly journalFields?: Readonly<Record<string, string>>;
  /** Signals the main process, or everything the runtime started for it. */
  kill(signal: NodeJS.Signals, scope?: 'main' | 'all'): Promise<void>;
  /** Resolves once the process has exited and been reaped. */
  readonly exited: Promise<ExitStatus>;
  /**
   * Processes still alive that belong to this handle (its process group), the main one included
   * while it runs. Runtimes without such a notion leave it out; the supervisor then waits for `exited`.
   */
  remaining?(): number[];
}

export type RuntimeVerdict = { ok: true } | { ok: false; reason: string };

/** Where in a unit file something was written. */
export interface UnitFileLocation {
  file: string;
  line: number;
}

/** A unit as runtimes see it when it is loaded: its assignments as written, file and drop-ins in order. */
export interface UnitForRuntime {
  name: string;
  fragmentPath?: string;
  entries: ReadonlyArray<{ section: string; key: string; value: string } & UnitFileLocation>;
}

/** One Exec*= command of a unit, before environment expansion, with where it was written. */
export interface UnitCommandLine {
  unit: string;
  /** ExecStart, ExecStop, … */
  setting: string;
  program: string;
  args: readonly string[];
  file: string;
  line: number;
}

/** An assignment a runtime adds to a unit when it is loaded, as a generator would (Quadlet's [Container] → ExecStart=). */
export interface GeneratedSetting extends UnitFileLocation {
  section: string;
  key: string;
  value: string;
}

export interface Generated {
  settings: GeneratedSetting[];
  /** Errors in what the runtime read (an unknown [Container] key); they make the unit bad-setting. */
  problems: ({ message: string } & UnitFileLocation)[];
}

/** Runs one kind of process. The supervisor asks each registered runtime in turn. */
export interface ExecRuntime {
  readonly name: string;
  /** Whether this runtime handles the spec (a `docker run` line, a [Container] section, …). */
  accepts(spec: ExecSpec): boolean;
  /** Whether it can run it now (engine reachable, image present); the reason is shown to the user. */
  check(spec: ExecSpec): Promise<RuntimeVerdict>;
  spawn(spec: ExecSpec): Promise<ExecHandle>;
  /** Settings this runtime derives from the unit's own sections, added before the unit is typed. */
  generate?(unit: UnitForRuntime): Generated | undefined;
  /** A load-time check of a command this runtime would run: the problem, or undefined. */
  inspect?(command: UnitCommandLine): string | undefined;
  /** Unit files this runtime provides by name, used when the search path has no file of that name (docker.service). */
  providedUnits?(): Readonly<Record<string, string>>;
}
