import type { JournalEntry } from '../../../core/index.js';
import { fullTime, isoTime, monotonicTime, syslogTime, unixTime } from './clock.js';
import { paint, priorityColour } from './colour.js';
import type { FormatOptions } from './options.js';

export type ShortFormat = 'short' | 'short-full' | 'short-iso' | 'short-iso-precise' | 'short-precise' | 'short-monotonic' | 'short-unix' | 'with-unit';

function timestamp(entry: JournalEntry, format: ShortFormat, utc: boolean): string {
  switch (format) {
    case 'short':
      return syslogTime(entry.realtimeUs, utc);
    case 'short-precise':
      return syslogTime(entry.realtimeUs, utc, true);
    case 'short-iso':
      return isoTime(entry.realtimeUs, utc);
    case 'short-iso-precise':
      return isoTime(entry.realtimeUs, utc, true);
    case 'short-full':
    case 'with-unit':
      return fullTime(entry.realtimeUs, utc);
    case 'short-monotonic':
      return monotonicTime(entry.monotonicUs);
    case 'short-unix':
      return unixTime(entry.realtimeUs);
  }
}

/**
 * `Nov 27 22:33:12 host app[1234]: message`: SYSLOG_IDENTIFIER (else _COMM, else "unknown") and
 * _PID (else SYSLOG_PID). Continuation lines of a multi-line message are indented under the first.
 * Entries without MESSAGE print nothing, as in journalctl.
 */
export function formatShort(entry: JournalEntry, format: ShortFormat, options: FormatOptions = {}): string | undefined {
  const { fields } = entry;
  const message = fields.MESSAGE;
  if (message === undefined) return undefined;
  const host = fields._HOSTNAME ? ` ${fields._HOSTNAME}` : '';
  const identifier = (format === 'with-unit' ? fields._SYSTEMD_UNIT ?? fields._SYSTEMD_USER_UNIT : undefined) ?? fields.SYSLOG_IDENTIFIER ?? fields._COMM ?? 'unknown';
  const pid = fields._PID ?? fields.SYSLOG_PID;
  const prefix = `${timestamp(entry, format, options.utc ?? false)}${host} ${identifier}${pid ? `[${pid}]` : ''}: `;
  const colour = options.colour ? priorityColour(fields) : undefined;
  const indent = ' '.repeat(prefix.length);
  return message
    .replace(/\n$/, '')
    .split('\n')
    .map((line, i) => `${i === 0 ? prefix : indent}${paint(line, colour)}`)
    .join('\n');
}

/** Only the message, coloured like the short formats. */
export function formatCat(entry: JournalEntry, options: FormatOptions = {}): string | undefined {
  const message = entry.fields.MESSAGE;
  if (message === undefined) return undefined;
  const colour = options.colour ? priorityColour(entry.fields) : undefined;
  return message
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => paint(line, colour))
    .join('\n');
}
