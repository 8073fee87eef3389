/** The parts of a node's GET /v1/units/{name} answer that `fleet status` shows. */
export interface RemoteUnitStatus {
  name: string;
  description?: string;
  loadState?: string;
  activeState?: string;
  subState?: string;
  result?: string;
  fragmentPath?: string;
  unitFileState?: string;
  mainPid?: number;
  since?: string;
  inactiveSince?: string;
  statusText?: string;
  tasks?: number;
}

/** Where systemctl right-aligns its labels (colon included). */
const LABEL_WIDTH = 12;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A short `systemctl status` of a unit on another machine: name, Loaded, Active, Main PID, Status, Tasks, then journal lines. */
export function formatRemoteStatus(status: RemoteUnitStatus, journal: readonly string[], now: Date = new Date()): string {
  const lines = [`● ${status.name}${status.description ? ` - ${status.description}` : ''}`];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padStart(LABEL_WIDTH)} ${value}`);
  const load = status.loadState ?? 'unknown';
  field('Loaded', status.fragmentPath ? `${load} (${status.fragmentPath}${status.unitFileState ? `; ${status.unitFileState}` : ''})` : load);
  const active = status.activeState ?? 'unknown';
  const state = active === 'failed' ? `failed (Result: ${status.result ?? 'unknown'})` : `${active}${status.subState ? ` (${status.subState})` : ''}`;
  const sinceText = active === 'inactive' || active === 'failed' ? status.inactiveSince : active === 'activating' ? undefined : status.since;
  const since = sinceText === undefined ? undefined : new Date(sinceText);
  field('Active', since && !Number.isNaN(since.getTime()) ? `${state} since ${formatTimestamp(since)}; ${formatAgo(since, now)}` : state);
  if (status.mainPid !== undefined) field('Main PID', String(status.mainPid));
  if (status.statusText) field('Status', `"${status.statusText}"`);
  if (status.tasks !== undefined) field('Tasks', String(status.tasks));
  if (journal.length > 0) lines.push('', ...journal);
  return lines.join('\n');
}

/** systemd's style: `Sat 2026-11-28 01:12:26 UTC`, in the local zone. */
export function formatTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return (
    `${WEEKDAYS[date.getDay()]} ${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${zone}`
  );
}

/** `3s ago`, `5min ago`, `2h 3min ago`, `4 days ago`: coarser than systemd, enough to read. */
export function formatAgo(date: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}min ${seconds % 60}s ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}min ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
