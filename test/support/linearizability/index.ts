export { checkLinearizable } from './check.js';
export type { CheckOptions } from './check.js';
export { describeOp, formatHistory } from './history.js';
export type { CheckResult, HistoryOp, OpKind, OpResult } from './history.js';
export { HistoryRecorder } from './recorder.js';
export type { OpArgs, OpHandle } from './recorder.js';
