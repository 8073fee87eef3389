import { constants } from 'node:os';
import path from 'node:path';
import type { ExecRecord, UnitStatusDetail } from './unit-control.js';
import { isCleanExit as isCleanDaemonExit } from './supervisor/exit-verdict.js';
import { exitStatusName } from './unit-file/exit-status-names.js';

export interface StatusFormatOptions {
  color: boolean;
  now: Date;
  /** Times in UTC rather than the local zone. */
  utc?: boolean;
}

const ANSI = {
  green: '\x1b[0;1;32m',
  red: '\x1b[0;1;31m',
  yellow: '\x1b[0;1;33m',
  white: '\x1b[0;37m',
  normal: '\x1b[0m',
};

/** The width systemctl right-aligns labels (colon included) to, so that every colon falls in one column. */
const LABEL_WIDTH = 12;
const CONTINUATION = ' '.repeat(LABEL_WIDTH + 1);
const TREE_RIGHT = '└─';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `systemctl status NAME`: the unit's state, its processes, then its last journal lines. */
export function formatUnitStatus(detail: UnitStatusDetail, journalLines: string[], opts: StatusFormatOptions): string {
  const paint = (colour: keyof typeof ANSI, text: string) => (opts.color ? `${ANSI[colour]}${text}${ANSI.normal}` : text);
  const stateColour = detail.activeState === 'failed' ? 'red' : detail.activeState === 'active' || detail.activeState === 'reloading' ? 'green' : undefined;
  const when = (date: Date) => `${formatTimestamp(date, opts.utc ?? false)}; ${formatRelative(date, opts.now)}`;
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padStart(LABEL_WIDTH)} ${value}`);

  lines.push(`${paint(stateColour ?? 'white', '●')} ${detail.name}${detail.description ? ` - ${detail.description}` : ''}`);
  field('Loaded', loadedText(detail, paint));
  dropInsByDirectory(detail.dropInPaths).forEach(([dir, names], i) => {
    if (i === 0) field('Drop-In', dir);
    else lines.push(`${CONTINUATION}${dir}`);
    lines.push(`${CONTINUATION}${TREE_RIGHT}${names.join(', ')}`);
  });

  const active = activeText(detail);
  const since = activeSince(detail);
  field('Active', `${stateColour ? paint(stateColour, active) : active}${since ? ` since ${when(since)}` : ''}`);
  if (!detail.conditionResult) {
    const at = detail.inactiveSince ? ` at ${when(detail.inactiveSince)}` : '';
    field('Condition', `start ${paint('yellow', 'condition failed')}${at}`);
    if (detail.conditionFailed) lines.push(`${CONTINUATION}${TREE_RIGHT} ${detail.conditionFailed} was not met`);
  }

  for (const exec of detail.controlExecs) {
    if (exec.pid === undefined) continue;
    if (exec.code === undefined) {
      field('Control', `${exec.pid} (${commandName(exec)})`);
      continue;
    }
    const outcome = `(${exitText(exec)})`;
    field('Process', `${exec.pid} ${exec.setting}=${exec.text} ${isCleanExit(exec) ? outcome : paint('red', outcome)}`);
  }
  const mainPid = mainPidText(detail);
  if (mainPid !== undefined) field('Main PID', mainPid);
  if (detail.statusText) field('Status', `"${detail.statusText}"`);
  if (detail.tasks !== undefined) field('Tasks', String(detail.tasks));

  if (journalLines.length > 0) lines.push('', ...journalLines);
  return lines.join('\n');
}

/** `1235 (sleep)` while the main process runs, `1235 (code=exited, status=1/FAILURE)` once it ended. */
function mainPidText(detail: UnitStatusDetail): string | undefined {
  const main = detail.mainExec;
  const pid = main?.pid ?? detail.mainPid;
  if (pid === undefined) return undefined;
  if (main === undefined) return String(pid);
  return `${pid} (${main.code === undefined ? commandName(main) : exitText(main)})`;
}

function loadedText(detail: UnitStatusDetail, paint: (colour: keyof typeof ANSI, text: string) => string): string {
  const reasons: Partial<Record<UnitStatusDetail['loadState'], string>> = {
    'not-found': `Unit ${detail.name} not found.`,
    'bad-setting': `Unit ${detail.name} has a bad unit file setting.`,
    error: `Unit ${detail.name} failed to load properly.`,
    masked: `Unit ${detail.name} is masked.`,
  };
  const reason = reasons[detail.loadState];
  if (reason !== undefined) return `${paint('red', detail.loadState)} (Reason: ${reason})`;
  return detail.fragmentPath ? `${detail.loadState} (${detail.fragmentPath}; ${detail.unitFileState})` : detail.loadState;
}

/** Drop-ins grouped by directory, in the order they apply, as systemctl lists them. */
function dropInsByDirectory(paths: readonly string[]): [string, string[]][] {
  const groups: [string, string[]][] = [];
  for (const file of paths) {
    const dir = path.dirname(file);
    const last = groups.at(-1);
    if (last && last[0] === dir) last[1].push(path.basename(file));
    else groups.push([dir, [path.basename(file)]]);
  }
  return groups;
}

function activeText(detail: UnitStatusDetail): string {
  if (detail.activeState === 'failed') return `failed (Result: ${detail.result})`;
  return `${detail.activeState} (${detail.subState})`;
}

/** An active unit counts from when it became active, an inactive or failed one from when it stopped. */
function activeSince(detail: UnitStatusDetail): Date | undefined {
  switch (detail.activeState) {
    case 'active':
    case 'reloading':
    case 'deactivating':
      return detail.since;
    case 'inactive':
    case 'failed':
      return detail.inactiveSince;
    case 'activating':
      return undefined;
  }
}

/** What the kernel would call the process: the program's base name, cut to 15 characters. */
function commandName(exec: ExecRecord): string {
  const program = exec.text.trim().split(/\s+/)[0] ?? '';
  return path.basename(program.replace(/^[-@:+!]+/, '')).slice(0, 15);
}

function exitText(exec: ExecRecord): string {
  if (exec.code === 'killed') {
    // systemctl names the signal here (`signal=TERM`); the journal's "Main process exited" line gives `status=15/TERM`.
    return `code=killed, signal=${signalOf(exec.status).name}`;
  }
  const status = Number(exec.status);
  if (!Number.isInteger(status)) return 'code=exited, status=?';
  const name = exitStatusName(status);
  return `code=exited, status=${status}${name ? `/${name}` : ''}`;
}

/** A clean end by systemd's rules for a daemon (exit 0, or SIGHUP/INT/TERM/PIPE). */
function isCleanExit(exec: ExecRecord): boolean {
  const status =
    exec.code === 'killed'
      ? { code: null, signal: `SIG${signalOf(exec.status).name}` as NodeJS.Signals }
      : { code: Number(exec.status), signal: null };
  return isCleanDaemonExit(status, 'simple', { codes: [], signals: [] });
}

/** A signal given by number or by name (`SIGKILL`, `KILL`), as a number and systemd's short name. */
function signalOf(status: number | string | undefined): { number?: number; name: string } {
  const signals = constants.signals as Readonly<Record<string, number>>;
  if (typeof status === 'number') {
    const full = Object.keys(signals).find((name) => signals[name] === status);
    return { number: status, name: full ? full.replace(/^SIG/, '') : String(status) };
  }
  const name = String(status ?? '').replace(/^SIG/i, '').toUpperCase();
  return { number: signals[`SIG${name}`], name };
}

/** systemd's timestamp style: `Sat 2026-11-28 01:12:26 UTC`. */
export function formatTimestamp(date: Date, utc: boolean): string {
  const parts = utc
    ? [date.getUTCDay(), date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getDay(), date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  const [weekday, year, month, day, hours, minutes, seconds] = parts as [number, number, number, number, number, number, number];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[weekday]} ${year}-${two(month)}-${two(day)} ${two(hours)}:${two(minutes)}:${two(seconds)} ${utc ? 'UTC' : zoneName(date)}`;
}

function zoneName(date: Date): string {
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  return zone ?? 'UTC';
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** systemd's month and year: 30.44 and 365.25 days. */
const MONTH = 2_629_800 * SECOND;
const YEAR = 31_557_600 * SECOND;

/** systemd's relative time: `5min ago`, `2h 3min ago`, `1 day 2h ago`, `3 weeks 1 day ago`; `left` for the future. */
export function formatRelative(date: Date, now: Date): string {
  const delta = now.getTime() - date.getTime();
  const d = Math.abs(delta);
  const tail = delta >= 0 ? 'ago' : 'left';
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const whole = (value: number, unit: number) => Math.floor(value / unit);
  if (d >= YEAR) return `${plural(whole(d, YEAR), 'year', 'years')} ${plural(whole(d % YEAR, MONTH), 'month', 'months')} ${tail}`;
  if (d >= MONTH) return `${plural(whole(d, MONTH), 'month', 'months')} ${plural(whole(d % MONTH, DAY), 'day', 'days')} ${tail}`;
  if (d >= WEEK) return `${plural(whole(d, WEEK), 'week', 'weeks')} ${plural(whole(d % WEEK, DAY), 'day', 'days')} ${tail}`;
  if (d >= 2 * DAY) return `${whole(d, DAY)} days ${tail}`;
  if (d >= 25 * HOUR) return `1 day ${whole(d - DAY, HOUR)}h ${tail}`;
  if (d >= 6 * HOUR) return `${whole(d, HOUR)}h ${tail}`;
  if (d >= HOUR) return `${whole(d, HOUR)}h ${whole(d % HOUR, MINUTE)}min ${tail}`;
  if (d >= 5 * MINUTE) return `${whole(d, MINUTE)}min ${tail}`;
  if (d >= MINUTE) return `${whole(d, MINUTE)}min ${whole(d % MINUTE, SECOND)}s ${tail}`;
  if (d >= SECOND) return `${whole(d, SECOND)}s ${tail}`;
  if (d > 0) return `${d}ms ${tail}`;
  return 'now';
}
