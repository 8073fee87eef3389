import type { Journal, JournalEntry, JournalQuery } from '../../core/index.js';

/** journalctl -f shows the last 10 lines first unless told where to start. */
export const FOLLOW_DEFAULT_LINES = 10;

export function followStart(query: JournalQuery): JournalQuery {
  const positioned = query.lines !== undefined || query.since !== undefined || query.cursor !== undefined || query.afterCursor !== undefined;
  return positioned ? query : { ...query, lines: FOLLOW_DEFAULT_LINES };
}

/**
 * The entries matching a query, then, when following, the ones written after the last of them
 * (follow resumes after that cursor, so nothing written in between is lost or repeated).
 * Resolves once the first stored entry (or the end of them) is known, so a query that fails
 * at once fails here, before anything has been sent.
 */
export async function openEntryStream(journal: Journal, query: JournalQuery, follow: AbortSignal | undefined): Promise<AsyncGenerator<JournalEntry>> {
  const history = follow ? followStart(query) : query;
  const stored = (!follow || history.lines !== 0 ? journal.query(history) : emptyIterable())[Symbol.asyncIterator]();
  const first = await stored.next();
  return (async function* () {
    let last: string | undefined;
    try {
      for (let step = first; !step.done; step = await stored.next()) {
        last = step.value.cursor;
        yield step.value;
        if (follow?.aborted) return;
      }
    } finally {
      await stored.return?.();
    }
    if (!follow || follow.aborted) return;
    const { lines: _lines, reverse: _reverse, cursor, afterCursor, ...filters } = query;
    const resume = last ?? afterCursor;
    let live: JournalQuery = filters;
    if (resume !== undefined) live = { ...filters, afterCursor: resume };
    else if (cursor !== undefined) live = { ...filters, cursor };
    // The last N lines were asked for and there were none (or N was 0): only what comes next.
    else if (history.lines !== undefined) live = { ...filters, lines: 0 };
    yield* journal.follow(live, follow);
  })();
}

async function* emptyIterable(): AsyncIterable<JournalEntry> {}
