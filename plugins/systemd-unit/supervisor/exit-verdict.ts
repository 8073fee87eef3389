import type { ExitStatus } from '../../../core/index.js';
import type { ExitStatusSet, RestartPolicy, ServiceType } from '../unit-file/definition.js';
import type { UnitResult } from '../unit-control.js';
import { exitStatusName } from '../unit-file/exit-status-names.js';
import { signalNumber } from '../unit-file/values.js';

/** Signals a daemon is expected to die of when asked to stop: a clean end (not for oneshot). */
const CLEAN_SIGNALS: ReadonlySet<string> = new Set(['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE']);
/** Signals that mean the process crashed and dumped core (systemd's Result=core-dump). */
const CORE_SIGNALS: ReadonlySet<string> = new Set(['SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ']);

/** Why a service's main process ended, in the Restart= table's terms. */
export type ExitCause = 'clean' | 'unclean-code' | 'unclean-signal' | 'timeout' | 'watchdog';

export function isCleanExit(status: ExitStatus, type: ServiceType, success: ExitStatusSet): boolean {
  if (status.signal) return success.signals.includes(status.signal) || (type !== 'oneshot' && CLEAN_SIGNALS.has(status.signal));
  return status.code === 0 || (status.code !== null && success.codes.includes(status.code));
}

export function exitCause(status: ExitStatus, type: ServiceType, success: ExitStatusSet): ExitCause {
  if (isCleanExit(status, type, success)) return 'clean';
  return status.signal ? 'unclean-signal' : 'unclean-code';
}

/** systemd's Result= for a process that ended this way. */
export function resultOf(status: ExitStatus, cause: ExitCause): UnitResult {
  switch (cause) {
    case 'clean':
      return 'success';
    case 'timeout':
      return 'timeout';
    case 'watchdog':
      return 'watchdog';
    case 'unclean-signal':
      return status.signal && CORE_SIGNALS.has(status.signal) ? 'core-dump' : 'signal';
    case 'unclean-code':
      return 'exit-code';
  }
}

const RESTARTS_ON: Readonly<Record<RestartPolicy, ReadonlySet<ExitCause>>> = {
  no: new Set(),
  always: new Set(['clean', 'unclean-code', 'unclean-signal', 'timeout', 'watchdog']),
  'on-success': new Set(['clean']),
  'on-failure': new Set(['unclean-code', 'unclean-signal', 'timeout', 'watchdog']),
  'on-abnormal': new Set(['unclean-signal', 'timeout', 'watchdog']),
  'on-abort': new Set(['unclean-signal']),
  'on-watchdog': new Set(['watchdog']),
};

export interface RestartRules {
  restart: RestartPolicy;
  restartPreventExitStatus: ExitStatusSet;
  restartForceExitStatus: ExitStatusSet;
}

const listed = (set: ExitStatusSet, status: ExitStatus | undefined) =>
  status !== undefined && (status.signal ? set.signals.includes(status.signal) : status.code !== null && set.codes.includes(status.code));

/** Whether Restart= asks for a restart after an end of this cause (a manual stop never does). */
export function shouldRestart(rules: RestartRules, cause: ExitCause, status?: ExitStatus): boolean {
  if (listed(rules.restartForceExitStatus, status)) return true;
  if (listed(rules.restartPreventExitStatus, status)) return false;
  return RESTARTS_ON[rules.restart].has(cause);
}

/** `code=exited, status=1/FAILURE` or `code=killed, status=9/KILL`, as systemd describes a process end. */
export function describeExit(status: ExitStatus): { code: 'exited' | 'killed'; status: string } {
  if (status.signal) {
    const number = signalNumber(status.signal);
    return { code: 'killed', status: `${number ?? '?'}/${status.signal.replace(/^SIG/, '')}` };
  }
  const code = status.code ?? 0;
  const name = exitStatusName(code);
  return { code: 'exited', status: name ? `${code}/${name}` : String(code) };
}

