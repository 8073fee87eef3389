import type { HistoryOp } from './history.js';
import { formatValue } from './history.js';
import type { SearchProblem } from './wgl.js';
import { ILLEGAL } from './wgl.js';

const Kind = {
  Read: 0,
  Write: 1,
  CasOk: 2,
  CasFailed: 3,
  /** A cas whose outcome is unknown: it applies exactly when the register holds `expected`. */
  CasUnknown: 4,
} as const;

type Value = string | null;

/**
 * A register per key: read returns the state, write sets it, cas sets `value` iff the state
 * equals `expected`. States are small integers: one per value that some op can tell apart (a
 * read result, a cas's expected value, the initial value) and one shared by all the other
 * values, which no op can distinguish from each other.
 */
export class RegisterPartition implements SearchProblem {
  readonly size: number;
  readonly initialState: number;
  readonly calls: Float64Array;
  readonly returns: Float64Array;
  /** The ops the search sees, indexed like the problem; reads with unknown results are left out. */
  readonly ops: readonly HistoryOp[];
  readonly initial: Value;
  private readonly kinds: Uint8Array;
  /** read: the value seen; write and cas: the value set. */
  private readonly values: Int32Array;
  private readonly expected: Int32Array;
  private readonly ids = new Map<Value, number>();
  private readonly unseen: number;
  private readonly written = new Set<Value>();

  constructor(ops: readonly HistoryOp[], initial: Value) {
    this.initial = initial;
    this.ops = ops
      .filter((op) => !(op.op === 'read' && (op.ret === undefined || op.result?.value === undefined)))
      .sort((a, b) => a.call - b.call);
    const n = (this.size = this.ops.length);
    this.calls = new Float64Array(n);
    this.returns = new Float64Array(n);
    this.kinds = new Uint8Array(n);
    this.values = new Int32Array(n);
    this.expected = new Int32Array(n);

    const distinguish = (value: Value) => {
      if (!this.ids.has(value)) this.ids.set(value, this.ids.size);
    };
    distinguish(initial);
    this.written.add(initial);
    for (const op of this.ops) {
      if (op.op === 'read') distinguish(op.result!.value!);
      else this.written.add(op.value!);
      if (op.op === 'cas') distinguish(op.expected!);
    }
    this.unseen = this.ids.size;
    const stateOf = (value: Value) => this.ids.get(value) ?? this.unseen;
    this.initialState = stateOf(initial);

    this.ops.forEach((op, i) => {
      const casOutcome = op.ret === undefined ? undefined : op.result?.ok;
      this.calls[i] = op.call;
      this.returns[i] = op.ret === undefined || (op.op === 'cas' && casOutcome === undefined) ? Number.POSITIVE_INFINITY : op.ret;
      switch (op.op) {
        case 'read':
          this.kinds[i] = Kind.Read;
          this.values[i] = stateOf(op.result!.value!);
          break;
        case 'write':
          this.kinds[i] = Kind.Write;
          this.values[i] = stateOf(op.value!);
          break;
        case 'cas':
          this.kinds[i] = casOutcome === undefined ? Kind.CasUnknown : casOutcome ? Kind.CasOk : Kind.CasFailed;
          this.values[i] = stateOf(op.value!);
          this.expected[i] = stateOf(op.expected!);
          break;
      }
    });
  }

  step(op: number, state: number): number {
    switch (this.kinds[op]) {
      case Kind.Read:
        return this.values[op] === state ? state : ILLEGAL;
      case Kind.Write:
        return this.values[op]!;
      case Kind.CasOk:
        return this.expected[op] === state ? this.values[op]! : ILLEGAL;
      case Kind.CasFailed:
        return this.expected[op] === state ? ILLEGAL : state;
      default:
        return this.expected[op] === state ? this.values[op]! : state;
    }
  }

  readOnly(op: number): boolean {
    return this.kinds[op] === Kind.Read || this.kinds[op] === Kind.CasFailed;
  }

  symmetryClass(op: number): number {
    const states = this.unseen + 1;
    return (this.kinds[op]! * states + this.values[op]!) * states + this.expected[op]!;
  }

  /** The register's value after `op` is applied to `value` (assumed legal). */
  apply(op: number, value: Value): Value {
    const source = this.ops[op]!;
    if (source.op === 'write') return source.value!;
    if (source.op === 'cas' && value === source.expected) return source.value!;
    return value;
  }

  /** Why `op` cannot be applied when the register holds `value`, or undefined when it can. */
  whyNot(op: number, value: Value): string | undefined {
    const source = this.ops[op]!;
    const held = formatValue(value);
    switch (source.op) {
      case 'read': {
        const seen = source.result!.value!;
        if (seen === value) return undefined;
        return this.written.has(seen) ? `read ${formatValue(seen)} but the register held ${held}` : `read ${formatValue(seen)}, a value no op wrote`;
      }
      case 'write':
        return undefined;
      case 'cas':
        if (this.kinds[op] === Kind.CasOk && value !== source.expected) return `cas succeeded against ${formatValue(source.expected)} but the register held ${held}`;
        if (this.kinds[op] === Kind.CasFailed && value === source.expected) return `cas failed although the register held ${held}, its expected value`;
        return undefined;
    }
  }
}
