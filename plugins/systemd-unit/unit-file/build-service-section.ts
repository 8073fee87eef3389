import path from 'node:path';
import { splitList, timeSpan, type BuildContext } from './build-context.js';
import type {
  ExecCommand,
  ExitStatusSet,
  KillMode,
  NotifyAccess,
  RestartPolicy,
  ServiceSettings,
  ServiceType,
  UnitDefaults,
  UnitEntry,
} from './definition.js';
import { parseEnvironmentSetting } from './environment.js';
import { ExecSyntaxError, parseExecSetting } from './exec-command.js';
import { EXIT_STATUS_NAMES } from './exit-status-names.js';
import { parseBoolean, parseExitStatusSet, parseSignal, parseUmask, parseUnsignedInteger } from './values.js';

const SECTION = 'Service';

const SERVICE_TYPES: readonly ServiceType[] = ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'];
const RESTART_POLICIES: readonly RestartPolicy[] = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];
const KILL_MODES: readonly KillMode[] = ['control-group', 'process', 'mixed', 'none'];
const NOTIFY_ACCESS: readonly NotifyAccess[] = ['none', 'main', 'exec', 'all'];

/** StandardOutput=/StandardError= values without an argument (systemd.exec(5) "Logging and Standard Input/Output"). */
const OUTPUT_TYPES = ['inherit', 'null', 'tty', 'journal', 'kmsg', 'journal+console', 'kmsg+console', 'socket', 'fd'];
const OUTPUT_PATH_TYPES = ['file', 'append', 'truncate'];
/** Spellings systemd still reads and rewrites. */
const OBSOLETE_OUTPUT_TYPES: Readonly<Record<string, string>> = { syslog: 'journal', 'syslog+console': 'journal+console' };

const EXEC_KEYS = {
  ExecCondition: 'execCondition',
  ExecStartPre: 'execStartPre',
  ExecStart: 'execStart',
  ExecStartPost: 'execStartPost',
  ExecReload: 'execReload',
  ExecStop: 'execStop',
  ExecStopPost: 'execStopPost',
} as const satisfies Record<string, keyof ServiceSettings>;

const EXIT_STATUS_KEYS = {
  SuccessExitStatus: 'successExitStatus',
  RestartPreventExitStatus: 'restartPreventExitStatus',
  RestartForceExitStatus: 'restartForceExitStatus',
} as const satisfies Record<string, keyof ServiceSettings>;

const SIGNAL_KEYS = {
  KillSignal: 'killSignal',
  RestartKillSignal: 'restartKillSignal',
  FinalKillSignal: 'finalKillSignal',
  WatchdogSignal: 'watchdogSignal',
} as const satisfies Record<string, keyof ServiceSettings>;

/** [Service] keys this module reads. */
export const SERVICE_SECTION_KEYS: readonly string[] = [
  ...Object.keys(EXEC_KEYS),
  ...Object.keys(EXIT_STATUS_KEYS),
  ...Object.keys(SIGNAL_KEYS),
  'Type',
  'BusName',
  'RemainAfterExit',
  'PIDFile',
  'Restart',
  'RestartSec',
  'TimeoutSec',
  'TimeoutStartSec',
  'TimeoutStopSec',
  'WatchdogSec',
  'RuntimeMaxSec',
  'KillMode',
  'SendSIGKILL',
  'SendSIGHUP',
  'NotifyAccess',
  'Environment',
  'EnvironmentFile',
  'WorkingDirectory',
  'User',
  'Group',
  'UMask',
  'StandardOutput',
  'StandardError',
  'SyslogIdentifier',
  'LogRateLimitIntervalSec',
  'LogRateLimitBurst',
  // Read into [Unit]'s start limit, where they belong now.
  'StartLimitInterval',
  'StartLimitBurst',
];

/** What the checks after typing need to know from [Unit]. */
export interface ServiceUnitFacts {
  /** The file unit-level problems are reported against. */
  file: string;
  /** SuccessAction= is set to something other than `none`. */
  hasSuccessAction: boolean;
}

/** TimeoutStartSec= and TimeoutStopSec= treat 0 as "no timeout". */
function timeout(value: string): number {
  const us = timeSpan(value);
  return us === 0 ? Infinity : us;
}

function emptyExitStatusSet(): ExitStatusSet {
  return { codes: [], signals: [] };
}

/** Types the [Service] section, fills in systemd's defaults and applies its load-time checks. */
export function buildServiceSection(ctx: BuildContext, entries: readonly UnitEntry[], defaults: UnitDefaults, unit: ServiceUnitFacts): ServiceSettings {
  const service: ServiceSettings = {
    type: 'simple',
    remainAfterExit: false,
    execCondition: [],
    execStartPre: [],
    execStart: [],
    execStartPost: [],
    execReload: [],
    execStop: [],
    execStopPost: [],
    restart: 'no',
    restartUs: defaults.restartUs,
    successExitStatus: emptyExitStatusSet(),
    restartPreventExitStatus: emptyExitStatusSet(),
    restartForceExitStatus: emptyExitStatusSet(),
    timeoutStartUs: defaults.timeoutStartUs,
    timeoutStopUs: defaults.timeoutStopUs,
    watchdogUs: 0,
    runtimeMaxUs: Infinity,
    killMode: 'control-group',
    killSignal: 'SIGTERM',
    finalKillSignal: 'SIGKILL',
    watchdogSignal: 'SIGABRT',
    sendSIGKILL: true,
    sendSIGHUP: false,
    notifyAccess: 'none',
    environment: [],
    environmentFiles: [],
    standardOutput: 'journal',
    standardError: 'inherit',
  };
  let explicitType: ServiceType | undefined;
  let timeoutStartSet = false;
  let busName: string | undefined;
  const parse = <T>(entry: UnitEntry, parser: (value: string) => T) => ctx.parse(SECTION, entry, parser);

  for (const entry of entries) {
    const { key, value } = entry;
    if (Object.hasOwn(EXEC_KEYS, key)) {
      addCommands(ctx, entry, service[EXEC_KEYS[key as keyof typeof EXEC_KEYS]]);
      continue;
    }
    if (Object.hasOwn(EXIT_STATUS_KEYS, key)) {
      const field = EXIT_STATUS_KEYS[key as keyof typeof EXIT_STATUS_KEYS];
      service[field] = value.trim() === '' ? emptyExitStatusSet() : addExitStatuses(ctx, entry, service[field]);
      continue;
    }
    if (Object.hasOwn(SIGNAL_KEYS, key)) {
      const signal = parse(entry, parseSignal);
      if (signal) service[SIGNAL_KEYS[key as keyof typeof SIGNAL_KEYS]] = signal;
      continue;
    }
    switch (key) {
      case 'Type':
        explicitType = ctx.choice(SECTION, entry, SERVICE_TYPES) ?? explicitType;
        break;
      case 'BusName':
        busName = value === '' ? undefined : (ctx.expand(SECTION, entry, value) ?? busName);
        break;
      case 'RemainAfterExit':
        service.remainAfterExit = parse(entry, parseBoolean) ?? service.remainAfterExit;
        break;
      case 'PIDFile':
        setPidFile(ctx, entry, service);
        break;
      case 'Restart':
        service.restart = ctx.choice(SECTION, entry, RESTART_POLICIES) ?? service.restart;
        break;
      case 'RestartSec':
        service.restartUs = parse(entry, timeSpan) ?? service.restartUs;
        break;
      case 'TimeoutSec': {
        const us = parse(entry, timeout);
        if (us !== undefined) {
          service.timeoutStartUs = service.timeoutStopUs = us;
          timeoutStartSet = true;
        }
        break;
      }
      case 'TimeoutStartSec': {
        const us = parse(entry, timeout);
        if (us !== undefined) {
          service.timeoutStartUs = us;
          timeoutStartSet = true;
        }
        break;
      }
      case 'TimeoutStopSec':
        service.timeoutStopUs = parse(entry, timeout) ?? service.timeoutStopUs;
        break;
      case 'WatchdogSec':
        service.watchdogUs = parse(entry, timeSpan) ?? service.watchdogUs;
        break;
      case 'RuntimeMaxSec':
        service.runtimeMaxUs = parse(entry, timeSpan) ?? service.runtimeMaxUs;
        break;
      case 'KillMode': {
        const mode = ctx.choice(SECTION, entry, KILL_MODES);
        if (mode === 'none') {
          ctx.warn(SECTION, entry, "KillMode=none is unsafe: the service's remaining processes are never killed; use 'mixed' or 'control-group'");
        }
        service.killMode = mode ?? service.killMode;
        break;
      }
      case 'SendSIGKILL':
        service.sendSIGKILL = parse(entry, parseBoolean) ?? service.sendSIGKILL;
        break;
      case 'SendSIGHUP':
        service.sendSIGHUP = parse(entry, parseBoolean) ?? service.sendSIGHUP;
        break;
      case 'NotifyAccess':
        service.notifyAccess = ctx.choice(SECTION, entry, NOTIFY_ACCESS) ?? service.notifyAccess;
        break;
      case 'Environment':
        addEnvironment(ctx, entry, service.environment);
        break;
      case 'EnvironmentFile':
        addEnvironmentFile(ctx, entry, service);
        break;
      case 'WorkingDirectory':
        setWorkingDirectory(ctx, entry, service);
        break;
      case 'User':
      case 'Group':
        setCredential(ctx, entry, service, key === 'User' ? 'user' : 'group');
        break;
      case 'UMask':
        service.umask = parse(entry, parseUmask) ?? service.umask;
        break;
      case 'StandardOutput':
        service.standardOutput = outputSetting(ctx, entry) ?? service.standardOutput;
        break;
      case 'StandardError':
        service.standardError = outputSetting(ctx, entry) ?? service.standardError;
        break;
      case 'SyslogIdentifier':
        if (value === '') delete service.syslogIdentifier;
        else service.syslogIdentifier = ctx.expand(SECTION, entry, value) ?? service.syslogIdentifier;
        break;
      case 'LogRateLimitIntervalSec':
        service.logRateLimitIntervalUs = parse(entry, timeSpan) ?? service.logRateLimitIntervalUs;
        break;
      case 'LogRateLimitBurst':
        service.logRateLimitBurst = parse(entry, parseUnsignedInteger) ?? service.logRateLimitBurst;
        break;
    }
  }

  service.type = explicitType ?? (busName !== undefined ? 'dbus' : service.execStart.length > 0 ? 'simple' : 'oneshot');
  if (service.type === 'oneshot' && !timeoutStartSet) service.timeoutStartUs = Infinity;
  if (service.notifyAccess === 'none' && (service.type === 'notify' || service.type === 'notify-reload' || service.watchdogUs > 0)) {
    service.notifyAccess = 'main';
  }
  checkService(ctx, service, unit, busName);
  return service;
}

/**
 * systemd's checks once the section is read. The first failing one makes the unit unloadable;
 * later ones are not looked at, as in systemd.
 */
function checkService(ctx: BuildContext, service: ServiceSettings, unit: ServiceUnitFacts, busName: string | undefined): void {
  const refuse = (message: string) => ctx.unitProblem('error', unit.file, `${message} Refusing.`);
  const noStart = service.execStart.length === 0;
  if (noStart && service.execStop.length === 0 && !unit.hasSuccessAction) {
    return refuse('Service has no ExecStart=, ExecStop=, or SuccessAction=.');
  }
  if (service.type !== 'oneshot' && noStart) {
    return refuse('Service has no ExecStart= setting, which is only allowed for Type=oneshot services.');
  }
  if (noStart && !service.remainAfterExit && !unit.hasSuccessAction) {
    return refuse('Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set.');
  }
  if (service.type !== 'oneshot' && service.execStart.length > 1) {
    return refuse('Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services.');
  }
  if (service.type === 'oneshot' && (service.restart === 'always' || service.restart === 'on-success')) {
    return refuse("Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services.");
  }
  if (service.type === 'dbus' && busName === undefined) {
    return refuse('Service is of type D-Bus but no D-Bus service name has been specified.');
  }
  if (service.type === 'oneshot' && service.runtimeMaxUs !== Infinity) {
    ctx.unitProblem('warning', unit.file, 'RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.');
    service.runtimeMaxUs = Infinity;
  }
}

/** An empty value resets the list; a command systemd refuses makes the unit unloadable. */
function addCommands(ctx: BuildContext, entry: UnitEntry, into: ExecCommand[]): void {
  if (entry.value.trim() === '') {
    into.length = 0;
    return;
  }
  try {
    into.push(
      ...parseExecSetting(entry.value, entry.file, entry.line, {
        key: entry.key,
        section: SECTION,
        expandWord: (word) => ctx.expandOrThrow(word),
        diagnostics: ctx.diagnostics,
      }),
    );
  } catch (err) {
    if (!(err instanceof ExecSyntaxError)) throw err;
    ctx.error(SECTION, entry, err.reason);
  }
}

/**
 * Adds the listed codes, exit status names and signals to the set; invalid words are warned
 * about and skipped.
 */
function addExitStatuses(ctx: BuildContext, entry: UnitEntry, set: ExitStatusSet): ExitStatusSet {
  const codes = new Set(set.codes);
  const signals = [...set.signals];
  for (const word of splitList(entry.value)) {
    const named = Object.hasOwn(EXIT_STATUS_NAMES, word) ? EXIT_STATUS_NAMES[word] : undefined;
    if (named !== undefined) {
      codes.add(named);
      continue;
    }
    const added = parseExitStatusSet(word, (_word, message) => ctx.warn(SECTION, entry, `${message}, ignoring`));
    for (const code of added.codes) codes.add(code);
    for (const signal of added.signals) if (!signals.includes(signal)) signals.push(signal);
  }
  return { codes: [...codes].sort((a, b) => a - b), signals };
}

/** Relative paths are under the runtime directory, as systemd puts them under /run. */
function setPidFile(ctx: BuildContext, entry: UnitEntry, service: ServiceSettings): void {
  if (entry.value === '') {
    delete service.pidFile;
    return;
  }
  const expanded = ctx.expand(SECTION, entry, entry.value);
  if (expanded === undefined) return;
  service.pidFile = path.posix.normalize(path.posix.isAbsolute(expanded) ? expanded : path.posix.join(ctx.specifiers.runtimeDir, expanded));
}

function addEnvironment(ctx: BuildContext, entry: UnitEntry, into: [string, string][]): void {
  if (entry.value === '') {
    into.length = 0;
    return;
  }
  const { assignments, warnings } = parseEnvironmentSetting(entry.value, { expandWord: (word) => ctx.expandOrThrow(word) });
  for (const warning of warnings) ctx.warn(SECTION, entry, warning);
  into.push(...assignments);
}

/** One file per assignment; `-` makes a missing file acceptable. The path must be absolute. */
function addEnvironmentFile(ctx: BuildContext, entry: UnitEntry, service: ServiceSettings): void {
  if (entry.value === '') {
    service.environmentFiles = [];
    return;
  }
  const expanded = ctx.expand(SECTION, entry, entry.value);
  if (expanded === undefined) return;
  const optional = expanded.startsWith('-');
  const file = optional ? expanded.slice(1) : expanded;
  if (!path.posix.isAbsolute(file)) {
    ctx.warn(SECTION, entry, `path '${file}' is not absolute, ignoring`);
    return;
  }
  service.environmentFiles.push({ path: path.posix.normalize(file), optional });
}

/**
 * `~` is the home of User=; `-` makes a missing directory acceptable. A path systemd cannot use
 * makes the unit unloadable, unless `-` was given, which turns that into a warning.
 */
function setWorkingDirectory(ctx: BuildContext, entry: UnitEntry, service: ServiceSettings): void {
  if (entry.value === '') {
    delete service.workingDirectory;
    return;
  }
  const optional = entry.value.startsWith('-');
  const written = optional ? entry.value.slice(1) : entry.value;
  if (written === '~') {
    service.workingDirectory = { path: '~', optional };
    return;
  }
  const severity = optional ? 'warning' : 'error';
  const expanded = ctx.expand(SECTION, entry, written, severity);
  if (expanded === undefined) return;
  if (!path.posix.isAbsolute(expanded)) {
    const report = optional ? ctx.warn.bind(ctx) : ctx.error.bind(ctx);
    report(SECTION, entry, `path '${expanded}' is not absolute${optional ? ', ignoring' : ''}`);
    return;
  }
  service.workingDirectory = { path: path.posix.normalize(expanded), optional };
}

/** The highest user and group ID systemd accepts; 65535 and 2^32-1 are reserved. */
const MAX_ID = 4_294_967_294;

/**
 * A numeric ID, or a user or group name by systemd's relaxed rules (systemd.io/USER_NAMES): not
 * made of digits (optionally after a `-`), no control characters, `:` or `/`, not `.` or `..`,
 * no whitespace at either end. An invalid one makes the unit unloadable.
 */
export function isValidUserOrGroup(text: string): boolean {
  if (/^\d+$/.test(text)) {
    const id = Number(text);
    return id <= MAX_ID && id !== 65535;
  }
  if (text === '' || text === '.' || text === '..' || /^-\d+$/.test(text)) return false;
  if (/[\x00-\x1f:/]/.test(text)) return false;
  return text.trim() === text;
}

function setCredential(ctx: BuildContext, entry: UnitEntry, service: ServiceSettings, field: 'user' | 'group'): void {
  if (entry.value === '') {
    delete service[field];
    return;
  }
  const expanded = ctx.expand(SECTION, entry, entry.value, 'error');
  if (expanded === undefined) return;
  if (!isValidUserOrGroup(expanded)) {
    ctx.error(SECTION, entry, `invalid ${field} name or numeric ID '${expanded}'`);
    return;
  }
  service[field] = expanded;
}

/** A StandardOutput=/StandardError= value, normalised; undefined (with a warning) when invalid. */
function outputSetting(ctx: BuildContext, entry: UnitEntry): string | undefined {
  const value = entry.value.trim();
  if (value === '') {
    ctx.warn(SECTION, entry, 'empty value, ignoring');
    return undefined;
  }
  if (OUTPUT_TYPES.includes(value)) return value;
  const rewritten = Object.hasOwn(OBSOLETE_OUTPUT_TYPES, value) ? OBSOLETE_OUTPUT_TYPES[value] : undefined;
  if (rewritten) {
    ctx.warn(SECTION, entry, `'${value}' is obsolete and read as '${rewritten}'; update the unit file`);
    return rewritten;
  }
  const colon = value.indexOf(':');
  const type = colon < 0 ? value : value.slice(0, colon);
  const argument = colon < 0 ? '' : value.slice(colon + 1);
  if (type === 'fd' && argument !== '') return value;
  if (OUTPUT_PATH_TYPES.includes(type) && argument !== '') {
    const expanded = ctx.expand(SECTION, entry, argument);
    if (expanded === undefined) return undefined;
    if (!path.posix.isAbsolute(expanded)) {
      ctx.warn(SECTION, entry, `path '${expanded}' is not absolute, ignoring`);
      return undefined;
    }
    return `${type}:${path.posix.normalize(expanded)}`;
  }
  ctx.warn(SECTION, entry, `invalid value '${value}' (expected ${[...OUTPUT_TYPES, 'fd:NAME', 'file:PATH', 'append:PATH', 'truncate:PATH'].join(', ')}), ignoring`);
  return undefined;
}
