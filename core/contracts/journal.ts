import type { Disposable, UnitManager } from './unit-manager.js';

/** journald's model: entries are flat maps of upper-case field names to string values. */

export type JournalFields = Readonly<Record<string, string>>;

export interface JournalEntry {
  readonly fields: JournalFields;
  /** Stable position; `afterCursor` resumes exactly after it. */
  readonly cursor: string;
  /** Microseconds since the epoch. */
  readonly realtimeUs: bigint;
  /** Microseconds since this node's boot. */
  readonly monotonicUs: bigint;
}

export interface JournalQuery {
  /** _SYSTEMD_UNIT values; several match any of them. */
  units?: readonly string[];
  /** Same field: any value; different fields: all must match. */
  matches?: Readonly<Record<string, readonly string[]>>;
  /** Syslog priorities 0 (emerg) to 7 (debug), inclusive. */
  priority?: { min?: number; max: number };
  since?: Date;
  until?: Date;
  /** Only the last N matching entries. */
  lines?: number;
  cursor?: string;
  afterCursor?: string;
  reverse?: boolean;
}

export interface Journal {
  append(fields: JournalFields | readonly JournalFields[]): Promise<void>;
  query(query: JournalQuery): AsyncIterable<JournalEntry>;
  /** Matching entries as they are written, until the signal aborts. */
  follow(query: JournalQuery, signal: AbortSignal): AsyncIterable<JournalEntry>;
}

/** A process's stdout or stderr, to be journaled a line at a time. */
export interface JournalStreamSource {
  unit: string;
  stream: 'stdout' | 'stderr';
  pid?: number;
  /** SYSLOG_IDENTIFIER; the unit name without its suffix by default. */
  identifier?: string;
  /** Priority of lines without a `<N>` prefix. */
  priority?: number;
  /** Honour `<N>` prefixes; on by default. */
  levelPrefix?: boolean;
  /** Longer lines are split; the journal's LineMax by default. */
  lineMax?: number;
  /** Fields added to every entry (CONTAINER_ID, CONTAINER_NAME, IMAGE_NAME for a container). */
  fields?: Readonly<Record<string, string>>;
}

export interface JournalStreamSink {
  write(chunk: Buffer | string): Promise<void>;
  /** Journals the last partial line. */
  end(): Promise<void>;
}

/** How a unit's process ended, for "Main process exited, code=…, status=…". */
export interface JournalProcessExit {
  unit: string;
  pid: number;
  code?: number | null;
  signal?: string | null;
}

/** The journal's helpers for writers: stream ingestion and the supervisor's own messages. */
export interface JournalWriters {
  stream(source: JournalStreamSource): JournalStreamSink;
  /** Journals every state change of the unit manager ("Started x.") until disposed. */
  unitEvents(units: UnitManager): Disposable;
  processExit(exit: JournalProcessExit): Promise<void>;
}
