import type { JournalEntry, JournalFields } from '../../../core/index.js';
import type { FormatOptions } from './options.js';

const MAX_VALUE_BYTES = 4096;

type JsonRecord = Record<string, string | null>;

/** The address fields first, as journalctl writes them, then the entry's own fields. */
export function entryToJson(entry: JournalEntry, options: FormatOptions = {}): JsonRecord {
  const record: JsonRecord = {
    __CURSOR: entry.cursor,
    __REALTIME_TIMESTAMP: String(entry.realtimeUs),
    __MONOTONIC_TIMESTAMP: String(entry.monotonicUs),
  };
  for (const [name, value] of Object.entries(entry.fields)) {
    record[name] = !options.all && Buffer.byteLength(value) > MAX_VALUE_BYTES ? null : value;
  }
  return record;
}

export function formatJson(entry: JournalEntry, options: FormatOptions = {}): string {
  return JSON.stringify(entryToJson(entry, options));
}

/** Tab-indented, `"NAME" : "value"`, as journalctl's json-pretty. */
export function formatJsonPretty(entry: JournalEntry, options: FormatOptions = {}): string {
  const lines = Object.entries(entryToJson(entry, options)).map(([name, value]) => `\t${JSON.stringify(name)} : ${JSON.stringify(value)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** Server-sent events: `data: {...}` and a blank line. */
export function formatJsonSse(entry: JournalEntry, options: FormatOptions = {}): string {
  return `data: ${formatJson(entry, options)}\n`;
}

/** RFC 7464: a record separator before each object. */
export function formatJsonSeq(entry: JournalEntry, options: FormatOptions = {}): string {
  return `\x1e${formatJson(entry, options)}`;
}

export class JournalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalJsonError';
  }
}

const DIGITS = /^\d+$/;

/** Reads back one line of the json format (as the API sends it) into an entry. */
export function entryFromJson(line: string): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new JournalJsonError(`not a JSON journal entry: ${line.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JournalJsonError('a journal entry must be a JSON object');
  const { __CURSOR: cursor, __REALTIME_TIMESTAMP: realtime, __MONOTONIC_TIMESTAMP: monotonic, ...rest } = value as Record<string, unknown>;
  if (typeof cursor !== 'string') throw new JournalJsonError('journal entry without __CURSOR');
  if (typeof realtime !== 'string' || !DIGITS.test(realtime)) throw new JournalJsonError('journal entry without a valid __REALTIME_TIMESTAMP');
  if (typeof monotonic !== 'string' || !DIGITS.test(monotonic)) throw new JournalJsonError('journal entry without a valid __MONOTONIC_TIMESTAMP');
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(rest)) if (typeof field === 'string') fields[name] = field;
  return { fields: fields as JournalFields, cursor, realtimeUs: BigInt(realtime), monotonicUs: BigInt(monotonic) };
}
