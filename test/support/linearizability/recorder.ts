import type { HistoryOp, OpKind, OpResult } from './history.js';

export interface OpArgs {
  /** write: the value (null = delete); cas: the new value. */
  value?: string | null;
  /** cas: the value compared against. */
  expected?: string | null;
}

/** The pending op of one `invoke`; settle it exactly once. */
export interface OpHandle {
  /** It completed: read `{ value }`, cas `{ ok }`, write nothing. */
  ok(result?: OpResult): void;
  /** It definitely did not take effect; it is left out of the history. */
  fail(): void;
  /** Its outcome is unknown (timeout, crash): it may take effect at any later time, or never. */
  info(): void;
}

/**
 * Collects a client-side history. Each client has at most one op in flight, and a client whose
 * op ended indeterminate must not invoke again: its op stays open forever, so later ops need a
 * fresh client id (see `freshClient`).
 */
export class HistoryRecorder {
  private readonly now: () => number;
  private readonly ops: (HistoryOp | undefined)[] = [];
  private readonly busy = new Set<number>();
  private readonly retired = new Set<number>();
  private highestClient = -1;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  invoke(client: number, key: string, op: OpKind, args: OpArgs = {}): OpHandle {
    if (this.busy.has(client)) throw new Error(`client ${client} already has an op in flight`);
    if (this.retired.has(client)) throw new Error(`client ${client} has an indeterminate op; continue with a fresh client id`);
    if (op === 'write' && args.value === undefined) throw new TypeError('a write needs a value (null to delete)');
    if (op === 'cas' && (args.value === undefined || args.expected === undefined)) throw new TypeError('a cas needs expected and value');

    const entry: HistoryOp = { client, key, op, call: this.now() };
    if (op !== 'read') entry.value = args.value;
    if (op === 'cas') entry.expected = args.expected;
    const index = this.ops.push(entry) - 1;
    this.busy.add(client);
    this.highestClient = Math.max(this.highestClient, client);

    let settled = false;
    const settle = (how: string) => {
      if (settled) throw new Error(`op ${index} (client ${client}) settled twice, the second time with ${how}`);
      settled = true;
      this.busy.delete(client);
    };
    return {
      ok: (result = {}) => {
        settle('ok');
        if (op === 'read' && result.value === undefined) throw new TypeError('a completed read needs result.value (null = absent)');
        if (op === 'cas' && typeof result.ok !== 'boolean') throw new TypeError('a completed cas needs result.ok');
        entry.ret = this.now();
        entry.result = op === 'read' ? { value: result.value } : op === 'cas' ? { ok: result.ok } : {};
      },
      fail: () => {
        settle('fail');
        this.ops[index] = undefined;
      },
      info: () => {
        settle('info');
        this.retired.add(client);
      },
    };
  }

  /** A client id not used so far, reserved by this call. */
  freshClient(): number {
    return ++this.highestClient;
  }

  /** The ops so far in invocation order; ops still in flight appear indeterminate. */
  history(): HistoryOp[] {
    return this.ops.filter((op) => op !== undefined).map((op) => ({ ...op, ...(op.result && { result: { ...op.result } }) }));
  }
}
