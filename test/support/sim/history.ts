/**
 * One client operation, in the shape the linearizability checker consumes. `call` and `ret`
 * are simulation step numbers; `ret` is undefined when the outcome is unknown (the node
 * crashed, or no answer came in time).
 */
export interface HistoryOperation {
  client: number;
  key: string;
  op: 'read' | 'write' | 'cas';
  value?: string | null;
  expected?: string | null;
  result?: { value?: string | null; ok?: boolean };
  call: number;
  ret?: number;
}

/**
 * Records operations as clients invoke and complete them. An operation with an unknown
 * outcome ends its client: the next operation of that workload runs as a new client number,
 * so each client number has at most one open operation at any time.
 */
export class HistoryRecorder {
  private readonly operations: HistoryOperation[] = [];

  invoke(operation: Omit<HistoryOperation, 'ret' | 'result'>): HistoryOperation {
    const recorded: HistoryOperation = { ...operation };
    this.operations.push(recorded);
    return recorded;
  }

  complete(operation: HistoryOperation, ret: number, result: HistoryOperation['result']): void {
    operation.ret = ret;
    if (result !== undefined) operation.result = result;
  }

  /** Withdraws an operation that definitely never took effect (e.g. a rejected proposal). */
  withdraw(operation: HistoryOperation): void {
    const at = this.operations.lastIndexOf(operation);
    if (at >= 0) this.operations.splice(at, 1);
  }

  history(): HistoryOperation[] {
    return this.operations.map((operation) => ({ ...operation, ...(operation.result ? { result: { ...operation.result } } : {}) }));
  }
}
