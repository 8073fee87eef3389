import type { JournalQuery } from '../../core/index.js';
import { parseTimeSpec, TimeSpecError } from './time-spec.js';

export class QueryParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParamError';
  }
}

export const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const FIELD_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function isFieldName(name: string): boolean {
  return name.length <= 64 && FIELD_NAME.test(name);
}

function parseLevel(text: string, spec: string): number {
  if (/^[0-7]$/.test(text)) return Number(text);
  const level = PRIORITY_NAMES.indexOf(text.toLowerCase() as (typeof PRIORITY_NAMES)[number]);
  if (level < 0) throw new QueryParamError(`Unknown log level "${text}" in priority "${spec}" (use 0-7 or ${PRIORITY_NAMES.join(', ')})`);
  return level;
}

/** "err" or "3": that level and more important; "warning..err", "..err", "notice..": a range, both ends included. */
export function parsePriority(spec: string): NonNullable<JournalQuery['priority']> {
  const range = spec.indexOf('..');
  if (range < 0) return { max: parseLevel(spec, spec) };
  const from = spec.slice(0, range);
  const to = spec.slice(range + 2);
  if (from === '' && to === '') throw new QueryParamError(`Invalid priority range "${spec}"`);
  const a = from === '' ? 0 : parseLevel(from, spec);
  const b = to === '' ? 7 : parseLevel(to, spec);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** "FIELD=VALUE"; the value may be empty and may contain "=". */
export function parseMatch(spec: string): [field: string, value: string] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new QueryParamError(`Invalid match "${spec}": expected FIELD=VALUE`);
  const field = spec.slice(0, eq);
  if (!isFieldName(field)) {
    throw new QueryParamError(`Invalid field name "${field}" in match "${spec}": use A-Z, 0-9 and _, not starting with a digit, at most 64 characters`);
  }
  return [field, spec.slice(eq + 1)];
}

/** A count of lines, or "all" (no limit). */
export function parseLines(spec: string): number | undefined {
  if (spec === 'all') return undefined;
  if (!/^\d+$/.test(spec) || !Number.isSafeInteger(Number(spec))) throw new QueryParamError(`Invalid number of lines "${spec}": expected a non-negative integer or "all"`);
  return Number(spec);
}

export function parseBoolean(name: string, spec: string): boolean {
  if (spec === '' || spec === 'true' || spec === '1' || spec === 'yes') return true;
  if (spec === 'false' || spec === '0' || spec === 'no') return false;
  throw new QueryParamError(`Invalid value "${spec}" for ${name}: expected true or false`);
}

function parseTime(name: string, spec: string, now: Date): Date {
  try {
    return parseTimeSpec(spec, now);
  } catch (error) {
    if (error instanceof TimeSpecError) throw new QueryParamError(`Invalid ${name}: ${error.message}`);
    throw error;
  }
}

/** The raw, textual form of a journal query, as flags and HTTP parameters give it. */
export interface QuerySpec {
  units?: readonly string[];
  matches?: readonly string[];
  priority?: string;
  since?: string;
  until?: string;
  lines?: string;
  cursor?: string;
  afterCursor?: string;
  reverse?: boolean;
}

export function parseQuerySpec(spec: QuerySpec, now: Date = new Date()): JournalQuery {
  const query: JournalQuery = {};
  const units = (spec.units ?? []).filter((unit) => unit !== '');
  if (units.length > 0) query.units = [...new Set(units)];
  if (spec.matches && spec.matches.length > 0) {
    const matches: Record<string, string[]> = {};
    for (const [field, value] of spec.matches.map(parseMatch)) {
      const values = (matches[field] ??= []);
      if (!values.includes(value)) values.push(value);
    }
    query.matches = matches;
  }
  if (spec.priority !== undefined) query.priority = parsePriority(spec.priority);
  if (spec.since !== undefined) query.since = parseTime('since', spec.since, now);
  if (spec.until !== undefined) query.until = parseTime('until', spec.until, now);
  if (query.since && query.until && query.since.getTime() > query.until.getTime()) throw new QueryParamError('since must be before until');
  if (spec.lines !== undefined) {
    const lines = parseLines(spec.lines);
    if (lines !== undefined) query.lines = lines;
  }
  if (spec.cursor !== undefined && spec.afterCursor !== undefined) throw new QueryParamError('Specify only one of cursor and after-cursor');
  if (spec.cursor !== undefined) {
    if (spec.cursor === '') throw new QueryParamError('cursor must not be empty');
    query.cursor = spec.cursor;
  }
  if (spec.afterCursor !== undefined) {
    if (spec.afterCursor === '') throw new QueryParamError('after-cursor must not be empty');
    query.afterCursor = spec.afterCursor;
  }
  if (spec.reverse) query.reverse = true;
  return query;
}

const SINGLE_PARAMS: Readonly<Record<string, keyof QuerySpec>> = {
  priority: 'priority',
  since: 'since',
  until: 'until',
  lines: 'lines',
  n: 'lines',
  cursor: 'cursor',
  'after-cursor': 'afterCursor',
  after_cursor: 'afterCursor',
};

/**
 * HTTP parameters: unit (repeatable), match=FIELD=VALUE (repeatable) or FIELD=VALUE itself,
 * priority, since, until, lines (or n), cursor, after-cursor, reverse. Names in `extra` are
 * left to the caller; any other name is refused.
 */
export function querySpecFromParams(params: URLSearchParams, extra: readonly string[] = []): QuerySpec {
  const spec: { -readonly [K in keyof QuerySpec]: QuerySpec[K] } = {};
  const units: string[] = [];
  const matches: string[] = [];
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (extra.includes(name)) continue;
    if (name === 'unit') units.push(...value.split(',').filter((unit) => unit !== ''));
    else if (name === 'match') matches.push(value);
    else if (name === 'reverse') spec.reverse = parseBoolean('reverse', value);
    else if (SINGLE_PARAMS[name]) {
      const key = SINGLE_PARAMS[name]!;
      if (seen.has(key)) throw new QueryParamError(`Parameter "${name}" given more than once`);
      seen.add(key);
      (spec as Record<string, unknown>)[key] = value;
    } else if (isFieldName(name)) matches.push(`${name}=${value}`);
    else throw new QueryParamError(`Unknown parameter "${name}"`);
  }
  if (units.length > 0) spec.units = units;
  if (matches.length > 0) spec.matches = matches;
  return spec;
}

export function queryFromParams(params: URLSearchParams, now: Date = new Date(), extra: readonly string[] = []): JournalQuery {
  return parseQuerySpec(querySpecFromParams(params, extra), now);
}

/** The HTTP parameters for a query; times are sent as exact ISO instants. */
export function paramsFromQuery(query: JournalQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const unit of query.units ?? []) params.append('unit', unit);
  for (const [field, values] of Object.entries(query.matches ?? {})) for (const value of values) params.append('match', `${field}=${value}`);
  if (query.priority) params.set('priority', `${query.priority.min ?? 0}..${query.priority.max}`);
  if (query.since) params.set('since', query.since.toISOString());
  if (query.until) params.set('until', query.until.toISOString());
  if (query.lines !== undefined) params.set('lines', String(query.lines));
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  if (query.afterCursor !== undefined) params.set('after-cursor', query.afterCursor);
  if (query.reverse) params.set('reverse', 'true');
  return params;
}
