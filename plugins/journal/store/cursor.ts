/**
 * A cursor names one entry: `i=<journal id>;s=<seqnum>;t=<realtime µs>;m=<monotonic µs>;b=<boot id>;h=<machine id>`.
 * The seqnum locates the entry in the journal that wrote it; another journal (a different `i=`)
 * falls back to the realtime timestamp, as journald does for a foreign seqnum id.
 */
export interface CursorParts {
  journalId: string;
  seq: number;
  realtimeUs: number;
  monotonicUs: number;
  bootId: string;
  machineId: string;
}

export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`invalid journal cursor: ${JSON.stringify(cursor)}`);
    this.name = 'InvalidCursorError';
  }
}

export function formatCursor(c: CursorParts): string {
  return `i=${c.journalId};s=${c.seq};t=${c.realtimeUs};m=${c.monotonicUs};b=${c.bootId};h=${c.machineId}`;
}

const NUMBER = /^\d{1,16}$/;

export function parseCursor(cursor: string): CursorParts {
  const parts = new Map<string, string>();
  for (const item of cursor.split(';')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InvalidCursorError(cursor);
    parts.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const s = parts.get('s');
  const t = parts.get('t');
  if (s === undefined || t === undefined || !NUMBER.test(s) || !NUMBER.test(t)) throw new InvalidCursorError(cursor);
  const m = parts.get('m') ?? '0';
  if (!NUMBER.test(m)) throw new InvalidCursorError(cursor);
  return {
    journalId: parts.get('i') ?? '',
    seq: Number(s),
    realtimeUs: Number(t),
    monotonicUs: Number(m),
    bootId: parts.get('b') ?? '',
    machineId: parts.get('h') ?? '',
  };
}
