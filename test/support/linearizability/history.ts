export type OpKind = 'read' | 'write' | 'cas';

export interface OpResult {
  value?: string | null;
  ok?: boolean;
}

export interface HistoryOp {
  /** Logical client id; a client has at most one op in flight. */
  client: number;
  /** Histories are checked per key. */
  key: string;
  op: OpKind;
  /** write: the value written (null = delete); cas: the new value. */
  value?: string | null;
  /** cas: the value compared against. */
  expected?: string | null;
  /** read: the value seen (null = absent); cas: whether it applied; write: {}; undefined when unknown. */
  result?: OpResult;
  /** Invocation time, in any monotonic unit. */
  call: number;
  /** Completion time; undefined = indeterminate: it may have taken effect at any time after `call`, or never. */
  ret?: number;
}

export type CheckResult =
  | { ok: true; keys: number; ops: number }
  | { ok: false; key: string; ops: HistoryOp[]; message: string }
  | { ok: 'unknown'; key: string; reason: string };

export function formatValue(value: string | null | undefined): string {
  if (value === undefined) return '?';
  return value === null ? 'nil' : JSON.stringify(value);
}

/** One op without its timing, e.g. `cas "a" -> "b" ok` or `read -> nil`. */
export function describeOp(op: HistoryOp): string {
  switch (op.op) {
    case 'read':
      return `read -> ${formatValue(op.result?.value)}`;
    case 'write':
      return op.value === null ? 'delete' : `write ${formatValue(op.value)}`;
    case 'cas': {
      const outcome = op.result?.ok === undefined ? '?' : op.result.ok ? 'ok' : 'failed';
      return `cas ${formatValue(op.expected)} -> ${formatValue(op.value)} ${outcome}`;
    }
  }
}

export function formatTime(time: number | undefined): string {
  if (time === undefined || time === Number.POSITIVE_INFINITY) return '?';
  return Number.isInteger(time) ? String(time) : time.toFixed(2);
}

/** A compact timeline, one op per line in invocation order: `call .. ret  client  [key]  op`. */
export function formatHistory(ops: readonly HistoryOp[]): string {
  const sorted = [...ops].sort((a, b) => a.call - b.call);
  const showKey = new Set(sorted.map((op) => op.key)).size > 1;
  const calls = sorted.map((op) => formatTime(op.call));
  const rets = sorted.map((op) => formatTime(op.ret));
  const clients = sorted.map((op) => `c${op.client}`);
  const keys = sorted.map((op) => JSON.stringify(op.key));
  const width = (column: string[]) => Math.max(0, ...column.map((cell) => cell.length));
  const [wCall, wRet, wClient, wKey] = [width(calls), width(rets), width(clients), width(keys)];
  return sorted
    .map((op, i) => {
      const cells = [`${calls[i]!.padStart(wCall)} .. ${rets[i]!.padEnd(wRet)}`, clients[i]!.padEnd(wClient)];
      if (showKey) cells.push(keys[i]!.padEnd(wKey));
      cells.push(describeOp(op));
      return cells.join('  ');
    })
    .join('\n');
}
