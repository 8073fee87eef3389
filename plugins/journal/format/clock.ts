/** Date parts and journalctl's timestamp spellings, in local time or UTC. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad = (n: number | bigint, width = 2) => String(n).padStart(width, '0');

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC. */
  offset: number;
}

function partsOf(realtimeUs: bigint, utc: boolean): Parts {
  const date = new Date(Number(realtimeUs / 1000n));
  if (utc) {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth(),
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      offset: 0,
    };
  }
  return {
    year: date.getFullYear(),
    month: date.getMonth(),
    day: date.getDate(),
    weekday: date.getDay(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
    offset: -date.getTimezoneOffset(),
  };
}

const micros = (realtimeUs: bigint) => pad(((realtimeUs % 1_000_000n) + 1_000_000n) % 1_000_000n, 6);
const hms = (p: Parts) => `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;

function zoneOffset(p: Parts): string {
  const sign = p.offset < 0 ? '-' : '+';
  const abs = Math.abs(p.offset);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function zoneName(realtimeUs: bigint, utc: boolean): string {
  if (utc) return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(new Date(Number(realtimeUs / 1000n)))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/** "Nov 27 22:33:12", with ".123456" when precise. */
export function syslogTime(realtimeUs: bigint, utc: boolean, precise = false): string {
  const p = partsOf(realtimeUs, utc);
  return `${MONTHS[p.month]} ${pad(p.day)} ${hms(p)}${precise ? `.${micros(realtimeUs)}` : ''}`;
}

/** "2024-11-27T22:33:12+01:00", with ".123456" before the zone when precise. */
export function isoTime(realtimeUs: bigint, utc: boolean, precise = false): string {
  const p = partsOf(realtimeUs, utc);
  return `${p.year}-${pad(p.month + 1)}-${pad(p.day)}T${hms(p)}${precise ? `.${micros(realtimeUs)}` : ''}${zoneOffset(p)}`;
}

/** "Wed 2024-11-27 22:33:12 CET", with ".123456" after the seconds when precise. */
export function fullTime(realtimeUs: bigint, utc: boolean, precise = false): string {
  const p = partsOf(realtimeUs, utc);
  return `${DAYS[p.weekday]} ${p.year}-${pad(p.month + 1)}-${pad(p.day)} ${hms(p)}${precise ? `.${micros(realtimeUs)}` : ''} ${zoneName(realtimeUs, utc)}`;
}

/** "1732746792.123456". */
export function unixTime(realtimeUs: bigint): string {
  return `${realtimeUs / 1_000_000n}.${micros(realtimeUs)}`;
}

/** "[ 1234.567890]", as the kernel prints its clock. */
export function monotonicTime(monotonicUs: bigint): string {
  return `[${String(monotonicUs / 1_000_000n).padStart(5, ' ')}.${micros(monotonicUs)}]`;
}
