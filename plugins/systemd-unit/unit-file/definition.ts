/**
 * A unit as the supervisor sees it: the unit file and its drop-ins, parsed, merged and typed.
 * Durations are in microseconds, as systemd keeps them; `Infinity` means "no limit".
 */

export type Severity = 'error' | 'warning';

/** A problem in a unit file, located by file and line (and key when it is about one). */
export interface UnitDiagnostic {
  severity: Severity;
  file: string;
  line: number;
  section?: string;
  key?: string;
  message: string;
}

/** One `Key=Value` assignment as written (after line continuation; value not unquoted). */
export interface UnitEntry {
  key: string;
  value: string;
  file: string;
  line: number;
}

export interface UnitSection {
  name: string;
  entries: UnitEntry[];
}

/** One command of an Exec*= setting, with its prefixes taken off. */
export interface ExecCommand {
  /** The command as written in the unit file (for status output and the journal). */
  text: string;
  /** The program: an absolute path, or a bare name looked up in systemd's fixed search path. */
  path: string;
  /** argv[0] as the process sees it: the program unless `@` gave another. */
  argv0: string;
  /** The words after the program, unquoted, specifiers expanded, `$VAR`/`${VAR}` not yet expanded. */
  args: string[];
  /** `-`: a failing exit is recorded but ignored. */
  ignoreFailure: boolean;
  /** `:`: no environment variable substitution. */
  noEnvExpansion: boolean;
  /** `+`: runs with full privileges (User=, Group= ignored). */
  fullPrivileges: boolean;
  /** `!` or `!!`: User=/Group= credential changes skipped. */
  skipCredentials: boolean;
  file: string;
  line: number;
}

export type ServiceType = 'simple' | 'exec' | 'forking' | 'oneshot' | 'notify' | 'notify-reload' | 'idle' | 'dbus';
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';
export type NotifyAccess = 'none' | 'main' | 'exec' | 'all';

/** Exit codes and signals listed by SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=. */
export interface ExitStatusSet {
  codes: number[];
  signals: NodeJS.Signals[];
}

export type ConditionKind =
  | 'PathExists'
  | 'PathExistsGlob'
  | 'PathIsDirectory'
  | 'PathIsSymbolicLink'
  | 'PathIsReadWrite'
  | 'DirectoryNotEmpty'
  | 'FileNotEmpty'
  | 'FileIsExecutable'
  | 'Environment'
  | 'Host'
  | 'User'
  | 'Group'
  | 'Architecture'
  | 'KernelCommandLine'
  | 'Virtualization'
  | 'FirstBoot'
  | 'CPUs'
  | 'Memory';

/** A Condition…= (or Assert…= when `assert`) line. */
export interface UnitCondition {
  kind: ConditionKind;
  assert: boolean;
  /** `|`: a triggering condition; at least one trigger must hold. */
  trigger: boolean;
  /** `!`: the check is negated. */
  negate: boolean;
  /** The argument after the `|` and `!` marks, specifiers expanded. */
  value: string;
  file: string;
  line: number;
}

export interface UnitDependencies {
  requires: string[];
  wants: string[];
  requisite: string[];
  bindsTo: string[];
  partOf: string[];
  upholds: string[];
  conflicts: string[];
  after: string[];
  before: string[];
  onFailure: string[];
  onSuccess: string[];
}

export interface EnvironmentFileRef {
  path: string;
  /** `-` prefix: a missing file is not an error. */
  optional: boolean;
}

export interface ServiceSettings {
  type: ServiceType;
  remainAfterExit: boolean;
  pidFile?: string;
  execCondition: ExecCommand[];
  execStartPre: ExecCommand[];
  execStart: ExecCommand[];
  execStartPost: ExecCommand[];
  execReload: ExecCommand[];
  execStop: ExecCommand[];
  execStopPost: ExecCommand[];
  restart: RestartPolicy;
  restartUs: number;
  successExitStatus: ExitStatusSet;
  restartPreventExitStatus: ExitStatusSet;
  restartForceExitStatus: ExitStatusSet;
  timeoutStartUs: number;
  timeoutStopUs: number;
  watchdogUs: number;
  runtimeMaxUs: number;
  killMode: KillMode;
  killSignal: NodeJS.Signals;
  restartKillSignal?: NodeJS.Signals;
  finalKillSignal: NodeJS.Signals;
  watchdogSignal: NodeJS.Signals;
  sendSIGKILL: boolean;
  sendSIGHUP: boolean;
  notifyAccess: NotifyAccess;
  /** Environment= in order, resets applied; later assignments of a name win. */
  environment: [string, string][];
  environmentFiles: EnvironmentFileRef[];
  /** WorkingDirectory=; `~` means the home of User=; `optional` from the `-` prefix. */
  workingDirectory?: { path: string; optional: boolean };
  user?: string;
  group?: string;
  umask?: number;
  standardOutput: string;
  standardError: string;
  syslogIdentifier?: string;
  /** LogRateLimitIntervalSec= / LogRateLimitBurst=, when set. */
  logRateLimitIntervalUs?: number;
  logRateLimitBurst?: number;
}

export interface InstallSettings {
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
  defaultInstance?: string;
}

export type UnitKind = 'service' | 'target';

export interface UnitDefinition {
  /** The full name, instance included: `app@1.service`. */
  name: string;
  kind: UnitKind;
  /** The unit file read (for an instance, the template's file when no instance file exists). */
  fragmentPath?: string;
  dropInPaths: string[];
  description?: string;
  documentation: string[];
  deps: UnitDependencies;
  defaultDependencies: boolean;
  stopWhenUnneeded: boolean;
  conditions: UnitCondition[];
  startLimitIntervalUs: number;
  startLimitBurst: number;
  /** Present for `.service` units. */
  service?: ServiceSettings;
  install: InstallSettings;
  /** Every section with its assignments, values as written, file then drop-ins, for runtimes and X- sections. */
  sections: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>>;
  /** sha256 of the unit file's text followed by its drop-ins' texts, hex. */
  hash: string;
  /** Errors make the unit `bad-setting`; warnings are shown by `verify`. */
  diagnostics: UnitDiagnostic[];
}

/** Values the definition uses where the unit file is silent (system.conf's Default*). */
export interface UnitDefaults {
  timeoutStartUs: number;
  timeoutStopUs: number;
  restartUs: number;
  startLimitIntervalUs: number;
  startLimitBurst: number;
}

/** What specifiers expand to besides the unit's own name. */
export interface SpecifierContext {
  hostname: string;
  machineId: string;
  bootId: string;
  /** The manager's user (`%u`, `%U`, `%h`, `%s`, `%g`, `%G`). */
  user: { name: string; uid: number; group: string; gid: number; home: string; shell: string };
  /** `%t`: the runtime directory. */
  runtimeDir: string;
  stateDir: string;
  cacheDir: string;
  logsDir: string;
  configDir: string;
}
