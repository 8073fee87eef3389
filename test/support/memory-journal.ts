/**
 * A test fake of the `Journal` contract (core/contracts/journal.ts), kept in memory for the journal
 * API and CLI tests. It is not the journal plugin's store, which gets its own integration tests.
 *
 * Semantics it models: entries in append order; `cursor` starts at that entry, `afterCursor` right
 * after it (an unknown cursor throws); `lines` keeps the last N matches; `reverse` gives newest first;
 * `follow` yields matching entries appended after the call, or everything after `afterCursor` /
 * from `cursor` first, until its signal aborts.
 */
import type { Journal, JournalEntry, JournalFields, JournalQuery } from '../../core/index.js';

export class UnknownCursorError extends Error {}

export class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];
  /** follow() iterations currently open. */
  watchers = 0;
  private wake = new Set<() => void>();
  private monotonicUs = 1_000_000n;

  constructor(private readonly clock: () => bigint = () => BigInt(Date.now()) * 1000n) {}

  async append(fields: JournalFields | readonly JournalFields[]): Promise<void> {
    const list = Array.isArray(fields) ? (fields as readonly JournalFields[]) : [fields as JournalFields];
    for (const one of list) this.add(one, this.clock());
  }

  /** Appends with a given realtime, for fixed fixtures. */
  add(fields: JournalFields, realtimeUs: bigint, monotonicUs?: bigint): JournalEntry {
    this.monotonicUs = monotonicUs ?? this.monotonicUs + 1000n;
    const entry: JournalEntry = { fields: { ...fields }, cursor: `s=memory;i=${(this.entries.length + 1).toString(16)}`, realtimeUs, monotonicUs: this.monotonicUs };
    this.entries.push(entry);
    for (const wake of [...this.wake]) wake();
    return entry;
  }

  async *query(query: JournalQuery): AsyncIterable<JournalEntry> {
    let matching = this.entries.slice(this.startIndex(query)).filter((entry) => matches(entry, query));
    if (query.lines !== undefined) matching = query.lines === 0 ? [] : matching.slice(-query.lines);
    if (query.reverse) matching.reverse();
    yield* matching;
  }

  async *follow(query: JournalQuery, signal: AbortSignal): AsyncIterable<JournalEntry> {
    let next = query.cursor !== undefined || query.afterCursor !== undefined ? this.startIndex(query) : this.entries.length;
    this.watchers += 1;
    let wake = () => {};
    const aborted = () => wake();
    signal.addEventListener('abort', aborted);
    try {
      while (!signal.aborted) {
        while (next < this.entries.length && !signal.aborted) {
          const entry = this.entries[next++]!;
          if (matches(entry, query)) yield entry;
        }
        if (signal.aborted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.wake.add(resolve);
        });
        this.wake.delete(wake);
      }
    } finally {
      this.wake.delete(wake);
      signal.removeEventListener('abort', aborted);
      this.watchers -= 1;
    }
  }

  private startIndex(query: JournalQuery): number {
    const cursor = query.cursor ?? query.afterCursor;
    if (cursor === undefined) return 0;
    const index = this.entries.findIndex((entry) => entry.cursor === cursor);
    if (index < 0) throw new UnknownCursorError(`unknown cursor ${cursor}`);
    return query.cursor !== undefined ? index : index + 1;
  }
}

function matches(entry: JournalEntry, query: JournalQuery): boolean {
  const { fields } = entry;
  if (query.units && query.units.length > 0 && !query.units.includes(fields._SYSTEMD_UNIT ?? '') && !query.units.includes(fields.UNIT ?? '')) return false;
  for (const [field, values] of Object.entries(query.matches ?? {})) {
    const value = fields[field];
    if (value === undefined || !values.includes(value)) return false;
  }
  if (query.priority) {
    const text = fields.PRIORITY;
    if (text === undefined) return false;
    const priority = Number(text);
    if (priority < (query.priority.min ?? 0) || priority > query.priority.max) return false;
  }
  const ms = Number(entry.realtimeUs / 1000n);
  if (query.since && ms < query.since.getTime()) return false;
  if (query.until && ms > query.until.getTime()) return false;
  return true;
}
