import { constants } from 'node:os';
import type { Disposable, Journal, JournalProcessExit, Logger, UnitManager, UnitStateChange } from '../../../core/index.js';

/**
 * The supervisor's own messages about a unit, as systemd writes them ("Starting x...", "Started x.",
 * "x: Failed."). They carry the unit in UNIT and in _SYSTEMD_UNIT, so a query by unit shows them
 * next to the unit's output, as `journalctl -u` does.
 */
export function unitStateEntry(change: UnitStateChange): Record<string, string> | undefined {
  const { name, current, previous } = change;
  if (current.subState === 'auto-restart' && previous.subState !== 'auto-restart') return restartEntry(change);
  // Sub-state steps inside one state (start-pre → start) are not news; leaving auto-restart is a new start.
  if (current.activeState === previous.activeState && previous.subState !== 'auto-restart') return undefined;
  const label = current.description ?? name;
  let message: string;
  let priority = 6;
  switch (current.activeState) {
    case 'activating':
      message = `Starting ${label}...`;
      break;
    case 'active':
      message = previous.activeState === 'reloading' ? `Reloaded ${label}.` : `Started ${label}.`;
      break;
    case 'reloading':
      message = `Reloading ${label}...`;
      break;
    case 'deactivating':
      message = `Stopping ${label}...`;
      break;
    case 'inactive':
      message = `Stopped ${label}.`;
      break;
    case 'failed':
      message = `${name}: Failed with result '${current.result ?? current.subState}'.`;
      priority = 4;
      break;
  }
  const fields: Record<string, string> = {
    MESSAGE: message,
    PRIORITY: String(priority),
    SYSLOG_IDENTIFIER: 'flotilla',
    UNIT: name,
    _SYSTEMD_UNIT: name,
    JOB_STATE: current.activeState,
    UNIT_SUBSTATE: current.subState,
  };
  if (current.mainPid !== undefined) fields.MAIN_PID = String(current.mainPid);
  return fields;
}


function restartEntry({ name, current }: UnitStateChange): Record<string, string> {
  const failed = current.result !== undefined && current.result !== 'success';
  return {
    MESSAGE: failed ? `${name}: Failed with result '${current.result}'; scheduled restart job.` : `${name}: Scheduled restart job.`,
    PRIORITY: failed ? '4' : '6',
    SYSLOG_IDENTIFIER: 'flotilla',
    UNIT: name,
    _SYSTEMD_UNIT: name,
    JOB_STATE: current.activeState,
    UNIT_SUBSTATE: current.subState,
  };
}

/** "Main process exited, code=exited, status=1/FAILURE", as systemd logs a unit's main process exit. */
export function processExitEntry(exit: JournalProcessExit): Record<string, string> {
  const clean = exit.signal == null && (exit.code ?? 0) === 0;
  const how = exit.signal != null ? `code=killed, status=${signalNumber(exit.signal) ?? '?'}/${exit.signal.replace(/^SIG/, '')}` : `code=exited, status=${exit.code ?? 0}${clean ? '/SUCCESS' : '/FAILURE'}`;
  const fields: Record<string, string> = {
    MESSAGE: `${exit.unit}: Main process exited, ${how}`,
    PRIORITY: clean ? '6' : '5',
    SYSLOG_IDENTIFIER: 'flotilla',
    UNIT: exit.unit,
    _SYSTEMD_UNIT: exit.unit,
    EXIT_PID: String(exit.pid),
    EXIT_CODE: exit.signal != null ? 'killed' : 'exited',
    EXIT_STATUS: exit.signal ?? String(exit.code ?? 0),
  };
  return fields;
}

/** Journals every state change the unit manager reports, until disposed. */
export function journalUnitEvents(units: UnitManager, journal: Pick<Journal, 'append'>, log: Logger): Disposable {
  return units.onStateChange((change) => {
    const entry = unitStateEntry(change);
    if (entry) journal.append(entry).catch((err: unknown) => log.warn({ err, unit: change.name }, 'could not journal unit event'));
  });
}

function signalNumber(signal: string): number | undefined {
  return (constants.signals as Record<string, number | undefined>)[signal];
}
