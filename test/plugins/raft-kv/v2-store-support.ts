import * as assert from 'uvu/assert';
import type { KvError, KvResult } from '../../../core/index.js';
import type { DeleteCommand, SetCommand } from '../../../plugins/raft-kv/store/commands.js';
import { V2Store, type ApplyOutcome, type V2StoreOptions } from '../../../plugins/raft-kv/store/v2-store.js';

/** The wall clock of the reference transcript's first request. */
export const T0 = Date.parse('2026-11-25T04:05:04.000Z');

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A store whose index is 3, like a fresh single etcd member (its membership writes), so the
 * transcript's indexes apply unchanged. The three writes go to a hidden key, which no listing shows.
 */
export function transcriptStore(options: Partial<V2StoreOptions> = {}): V2Store {
  const store = new V2Store({ historySize: 1000, ...options });
  for (let i = 0; i < 3; i++) store.apply({ op: 'set', key: '/_boot', value: String(i), time: T0 });
  assert.is(store.index, 3);
  return store;
}

export function ok(outcome: ApplyOutcome): KvResult {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.errorCode} ${outcome.error.message} (${outcome.error.detail})`);
  return outcome.result;
}

/** The error as etcd's JSON body shows it. */
export function failure(outcome: ApplyOutcome): { errorCode: number; message: string; cause: string; index: number } {
  if (outcome.ok) throw new Error(`expected an error, got ${JSON.stringify(outcome.result)}`);
  return errorBody(outcome.error);
}

export function errorBody(error: KvError): { errorCode: number; message: string; cause: string; index: number } {
  return { errorCode: error.errorCode, message: error.message, cause: error.detail, index: error.index };
}

/** The result as etcd's JSON body shows it (no index: that is the X-Etcd-Index header). */
export function body(result: KvResult): unknown {
  const { index: _index, ...rest } = result;
  return JSON.parse(JSON.stringify(rest));
}

export function put(store: V2Store, key: string, value: string | undefined, time: number, extra: Partial<SetCommand> = {}): ApplyOutcome {
  return store.apply({ op: 'set', key, ...(value === undefined ? {} : { value }), time, ...extra });
}

export function del(store: V2Store, key: string, time: number, extra: Partial<DeleteCommand> = {}): ApplyOutcome {
  return store.apply({ op: 'delete', key, time, ...extra });
}
