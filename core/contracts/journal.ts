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
