import { KvError, KvErrorCode } from '../../../core/index.js';

/** etcd's fixed messages for the error codes the store produces. */
const MESSAGES: Record<number, string> = {
  [KvErrorCode.KeyNotFound]: 'Key not found',
  [KvErrorCode.TestFailed]: 'Compare failed',
  [KvErrorCode.NotFile]: 'Not a file',
  [KvErrorCode.NotDir]: 'Not a directory',
  [KvErrorCode.NodeExist]: 'Key already exists',
  [KvErrorCode.RootReadOnly]: 'Root is read only',
  [KvErrorCode.DirNotEmpty]: 'Directory not empty',
  [KvErrorCode.PrevValueRequired]: 'PrevValue is Required in POST form',
  [KvErrorCode.TtlNaN]: 'The given TTL in POST form is not a number',
  [KvErrorCode.RaftInternal]: 'Raft Internal Error',
  [KvErrorCode.EventIndexCleared]: 'The event in requested index is outdated and cleared',
};

/** Codes etcd has that the shared contract does not list. */
export const REFRESH_VALUE = 211;
export const REFRESH_TTL_REQUIRED = 212;

export function storeError(code: number, cause: string, index: number): KvError {
  return new KvError(code, MESSAGES[code] ?? 'Raft Internal Error', cause, index);
}

/*
 * etcd rejects these while parsing the request, before the store sees it, so they carry
 * index 0. The store checks them too because a command can reach the log without that parser.
 */

export function prevValueRequired(): KvError {
  return storeError(KvErrorCode.PrevValueRequired, '"prevValue" cannot be empty', 0);
}

export function ttlNotANumber(): KvError {
  return storeError(KvErrorCode.TtlNaN, 'invalid value for "ttl"', 0);
}

export function valueOnRefresh(): KvError {
  return new KvError(REFRESH_VALUE, 'Value provided on refresh', 'A value was provided on a refresh', 0);
}

export function ttlRequiredOnRefresh(): KvError {
  return new KvError(REFRESH_TTL_REQUIRED, 'A TTL must be provided on refresh', 'No TTL value set', 0);
}

export function historyCleared(oldest: number, requested: number, index: number): KvError {
  return storeError(KvErrorCode.EventIndexCleared, `the requested history has been cleared [${oldest}/${requested}]`, index);
}

export function tooManyWatchers(limit: number, index: number): KvError {
  return new KvError(KvErrorCode.WatcherCleared, 'too many watchers', `the number of watchers has reached the limit [${limit}]`, index);
}
