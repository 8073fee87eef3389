/** journalctl's --since/--until values (systemd.time(7)), resolved to an instant. */

export class TimeSpecError extends Error {
  constructor(spec: string, detail?: string) {
    super(`Failed to parse timestamp: "${spec}"${detail ? ` (${detail})` : ''}`);
    this.name = 'TimeSpecError';
  }
}

const US_PER_UNIT: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {};
  const add = (us: number, ...names: string[]) => names.forEach((name) => (table[name] = us));
  add(1, 'us', 'usec', 'µs');
  add(1e3, 'ms', 'msec');
  add(1e6, 's', 'sec', 'secs', 'second', 'seconds');
  add(60e6, 'm', 'min', 'mins', 'minute', 'minutes');
  add(3600e6, 'h', 'hr', 'hrs', 'hour', 'hours');
  add(86400e6, 'd', 'day', 'days');
  add(7 * 86400e6, 'w', 'week', 'weeks');
  add(2629800e6, 'M', 'month', 'months');
  add(31557600e6, 'y', 'year', 'years');
  return table;
})();

const ABSOLUTE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|UTC)?$/i;

/**
 * Accepts "YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]" (also with "T", and "Z"/"UTC"/"+HH:MM"), "HH:MM[:SS]"
 * (today), "now", "today", "yesterday", "tomorrow", "@UNIX_SECONDS", and relative spans such as
 * "-1h", "+5min", "-2d 3h" or "1h 30min ago". Local time unless a zone is given.
 */
export function parseTimeSpec(spec: string, now: Date = new Date()): Date {
  const text = spec.trim();
  if (text === '') throw new TimeSpecError(spec, 'empty');
  const midnight = (offsetDays: number) => new Date(now.getFullYear(), now.getMonth(), now.getDate() + offsetDays);
  switch (text) {
    case 'now':
      return new Date(now.getTime());
    case 'today':
      return midnight(0);
    case 'yesterday':
      return midnight(-1);
    case 'tomorrow':
      return midnight(1);
  }
  if (text.startsWith('@')) {
    if (!/^@\d+(\.\d{1,6})?$/.test(text)) throw new TimeSpecError(spec);
    return new Date(Number(text.slice(1)) * 1000);
  }
  if (text.startsWith('-') || text.startsWith('+')) return shift(now, text.slice(1), text.startsWith('-') ? -1 : 1, spec);
  if (/\s+ago$/.test(text)) return shift(now, text.replace(/\s+ago$/, ''), -1, spec);
  if (/\s+left$/.test(text)) return shift(now, text.replace(/\s+left$/, ''), 1, spec);
  const absolute = ABSOLUTE.exec(text);
  if (absolute) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = absolute;
    return build(spec, +y!, +mo!, +d!, +h, +mi, +s, frac, zone);
  }
  const time = TIME_OF_DAY.exec(text);
  if (time) {
    const [, h, mi, s = '0', frac, zone] = time;
    const utc = zone !== undefined;
    const y = utc ? now.getUTCFullYear() : now.getFullYear();
    const mo = (utc ? now.getUTCMonth() : now.getMonth()) + 1;
    const d = utc ? now.getUTCDate() : now.getDate();
    return build(spec, y, mo, d, +h!, +mi!, +s, frac, zone);
  }
  throw new TimeSpecError(spec);
}

function shift(now: Date, span: string, sign: 1 | -1, spec: string): Date {
  const us = parseSpanUs(span, spec);
  return new Date(now.getTime() + (sign * us) / 1000);
}

/** "1h 30min", "2d", "90" (seconds), "1.5h". */
function parseSpanUs(span: string, spec: string): number {
  const compact = span.trim();
  if (compact === '') throw new TimeSpecError(spec, 'missing time span');
  let total = 0;
  const part = /(\d+(?:\.\d+)?)\s*([a-zA-Zµ]*)\s*/gy;
  let index = 0;
  while (index < compact.length) {
    part.lastIndex = index;
    const match = part.exec(compact);
    if (!match) throw new TimeSpecError(spec, 'bad time span');
    const unit = match[2] || 's';
    const scale = US_PER_UNIT[unit];
    if (scale === undefined) throw new TimeSpecError(spec, `unknown time unit "${unit}"`);
    total += Number(match[1]) * scale;
    index = part.lastIndex;
  }
  return total;
}

function build(spec: string, y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined, zone: string | undefined): Date {
  const ms = frac ? Number(frac.padEnd(6, '0')) / 1000 : 0;
  if (mo < 1 || mo > 12) throw new TimeSpecError(spec, 'month out of range');
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) throw new TimeSpecError(spec, 'day out of range');
  if (h > 23 || mi > 59 || s > 60) throw new TimeSpecError(spec, 'time out of range');
  if (zone === undefined) return new Date(y, mo - 1, d, h, mi, s, ms);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (/^(z|utc)$/i.test(zone)) return new Date(utc);
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const minutes = (Number(offset[2]) * 60 + Number(offset[3])) * (offset[1] === '-' ? -1 : 1);
  return new Date(utc - minutes * 60_000);
}
