import { explainViolation } from './explain.js';
import type { CheckResult, HistoryOp } from './history.js';
import { describeOp } from './history.js';
import { RegisterPartition } from './register-model.js';
import { searchLinearization } from './wgl.js';

export interface CheckOptions {
  /** Budget for the whole history; past it the answer is 'unknown'. Default 10 s. */
  timeoutMs?: number;
  /** The value every register starts with; default null (absent). */
  initial?: string | null;
  /** Clock for the budget; default performance.now. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Checks a register history for linearizability, one key at a time (a history is
 * linearizable iff each key's sub-history is). Partitions are checked smallest first, so a
 * reported violation is the smallest failing partition.
 */
export function checkLinearizable(history: readonly HistoryOp[], options: CheckOptions = {}): CheckResult {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = now() + timeoutMs;
  history.forEach(validate);

  const byKey = new Map<string, HistoryOp[]>();
  for (const op of history) {
    let ops = byKey.get(op.key);
    if (ops === undefined) byKey.set(op.key, (ops = []));
    ops.push(op);
  }
  const partitions = [...byKey].sort(([, a], [, b]) => a.length - b.length);

  let checked = 0;
  for (const [key, ops] of partitions) {
    const partition = new RegisterPartition(ops, options.initial ?? null);
    const outcome = searchLinearization(partition, deadline, now);
    if (outcome.kind === 'timeout') {
      const reason =
        `gave up after ${timeoutMs} ms on key ${JSON.stringify(key)} (${ops.length} ops); ` +
        `${checked} of ${partitions.length} keys were checked and found linearizable`;
      return { ok: 'unknown', key, reason };
    }
    if (outcome.kind === 'too-large') {
      return { ok: 'unknown', key, reason: `gave up on key ${JSON.stringify(key)} (${ops.length} ops): ${outcome.visited}, over the memory budget` };
    }
    if (outcome.kind === 'violation') {
      return { ok: false, key, ops: [...ops], message: explainViolation(key, partition, outcome.longest, ops.length) };
    }
    checked++;
  }
  return { ok: true, keys: partitions.length, ops: history.length };
}

function validate(op: HistoryOp): void {
  const problem = malformation(op);
  if (problem !== undefined) throw new TypeError(`malformed history op (${problem}): c${op.client} ${JSON.stringify(op.key)} ${describeOp(op)}`);
}

const isValue = (value: unknown) => value === null || typeof value === 'string';

function malformation(op: HistoryOp): string | undefined {
  if (!Number.isFinite(op.call)) return 'call must be a finite number';
  if (op.ret !== undefined && !(op.ret >= op.call)) return 'ret must not precede call';
  switch (op.op) {
    case 'read':
      return op.result?.value === undefined || isValue(op.result.value) ? undefined : 'a read result must be a string or null';
    case 'write':
      return isValue(op.value) ? undefined : 'a write needs a value (null to delete)';
    case 'cas':
      if (!isValue(op.value) || !isValue(op.expected)) return 'a cas needs expected and value';
      return op.result?.ok === undefined || typeof op.result.ok === 'boolean' ? undefined : 'a cas result must say ok: true or false';
    default:
      return `unknown op ${JSON.stringify((op as { op: unknown }).op)}`;
  }
}
