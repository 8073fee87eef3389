import type { HistoryOp } from '../support/linearizability/index.js';

/**
 * Linearizability by trying every order: an op may go next when no other remaining completed
 * op returned before it was called; open ops may also be left out.
 */
export function bruteForceLinearizable(history: readonly HistoryOp[], initial: string | null = null): boolean {
  const ops = history.filter((op) => !(op.op === 'read' && (op.ret === undefined || op.result?.value === undefined)));
  const open = (op: HistoryOp) => op.ret === undefined || (op.op === 'cas' && op.result?.ok === undefined);
  const apply = (op: HistoryOp, state: string | null): string | null | undefined => {
    if (op.op === 'read') return op.result!.value === state ? state : undefined;
    if (op.op === 'write') return op.value!;
    if (open(op)) return state === op.expected ? op.value! : state;
    if (op.result!.ok) return state === op.expected ? op.value! : undefined;
    return state === op.expected ? undefined : state;
  };
  const search = (remaining: readonly HistoryOp[], state: string | null): boolean => {
    if (remaining.every(open)) return true;
    return remaining.some((op, i) => {
      if (remaining.some((other) => !open(other) && other.ret! < op.call)) return false;
      const after = apply(op, state);
      return after !== undefined && search([...remaining.slice(0, i), ...remaining.slice(i + 1)], after);
    });
  };
  return search(ops, initial);
}

/**
 * A handful of ops on one key with random timing and results; writes also use values nothing
 * reads or compares against.
 */
export function randomSmallHistory(random: () => number): HistoryOp[] {
  const values = ['a', 'b', null] as const;
  const pick = () => values[Math.floor(random() * values.length)]!;
  const pickWritten = () => (random() < 0.3 ? (random() < 0.5 ? 'c' : 'd') : pick());
  const count = 2 + Math.floor(random() * 7);
  return Array.from({ length: count }, (_, client): HistoryOp => {
    const call = Math.floor(random() * 10);
    const ret = random() < 0.25 ? undefined : call + Math.floor(random() * 6);
    const roll = random();
    if (roll < 0.4) return { client, key: 'x', op: 'read', call, ret, ...(ret !== undefined && { result: { value: pick() } }) };
    if (roll < 0.7) return { client, key: 'x', op: 'write', value: pickWritten(), call, ret, ...(ret !== undefined && { result: {} }) };
    const outcome = ret === undefined || random() < 0.1 ? undefined : random() < 0.5;
    return { client, key: 'x', op: 'cas', expected: pick(), value: pickWritten(), call, ret, ...(outcome !== undefined && { result: { ok: outcome } }) };
  });
}
