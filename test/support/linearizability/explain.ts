import type { HistoryOp } from './history.js';
import { describeOp, formatHistory, formatTime, formatValue } from './history.js';
import type { RegisterPartition } from './register-model.js';
import { eventOrder, isCall, opOf } from './wgl.js';

const PREFIX_SHOWN = 8;
const CANDIDATES_SHOWN = 12;

const label = (op: HistoryOp) => `c${op.client} ${describeOp(op)} [${formatTime(op.call)} .. ${formatTime(op.ret)}]`;

/**
 * Describes where the longest partial linearization got stuck: the state it reached, the
 * earliest-returning op still outstanding, and why none of the ops that could go next fits.
 */
export function explainViolation(key: string, partition: RegisterPartition, found: readonly number[], total: number): string {
  let kept = found.length;
  while (kept > 0 && partition.returns[found[kept - 1]!] === Number.POSITIVE_INFINITY) kept--;
  const longest = found.slice(0, kept);
  const linearized = new Set(longest);
  const values: (string | null)[] = [];
  let value = partition.initial;
  for (const op of longest) {
    value = partition.apply(op, value);
    values.push(value);
  }

  const candidates: number[] = [];
  let stuck: number | undefined;
  for (const node of eventOrder(partition)) {
    const op = opOf(node);
    if (linearized.has(op)) continue;
    if (!isCall(node)) {
      stuck = op;
      break;
    }
    candidates.push(op);
  }
  const open = (op: number) => partition.returns[op] === Number.POSITIVE_INFINITY;
  candidates.sort((a, b) => Number(open(a)) - Number(open(b)));

  const lines = [`key ${JSON.stringify(key)}: no linearization of its ${total} ops exists.`];
  if (longest.length === 0) {
    lines.push(`Not even the first op fits, starting from ${formatValue(partition.initial)}.`);
  } else {
    lines.push(`Longest linearizable prefix found: ${longest.length} ops, ending (register value after each):`);
    if (longest.length > PREFIX_SHOWN) lines.push(`  ... ${longest.length - PREFIX_SHOWN} earlier ops`);
    for (let i = Math.max(0, longest.length - PREFIX_SHOWN); i < longest.length; i++) {
      lines.push(`  ${label(partition.ops[longest[i]!]!)}  => ${formatValue(values[i])}`);
    }
  }
  if (stuck !== undefined) {
    const blocking = partition.ops[stuck]!;
    lines.push(
      `Then the register holds ${formatValue(value)} and ${label(blocking)} must take effect by ${formatTime(blocking.ret)}, ` +
        'but no op that may go next leads to a linearization:',
    );
    for (const op of candidates.slice(0, CANDIDATES_SHOWN)) {
      const reason = partition.whyNot(op, value) ?? 'fits here, but every continuation after it fails';
      lines.push(`  ${label(partition.ops[op]!)}: ${reason}`);
    }
    if (candidates.length > CANDIDATES_SHOWN) lines.push(`  ... and ${candidates.length - CANDIDATES_SHOWN} more`);
  }

  const involved = [...longest.slice(-PREFIX_SHOWN), ...candidates.slice(0, CANDIDATES_SHOWN)].map((op) => partition.ops[op]!);
  lines.push('Ops involved:', indent(formatHistory(involved)));
  return lines.join('\n');
}

const indent = (text: string) => text.replace(/^/gm, '  ');
