import { KvError, KvErrorCode } from '../../../core/index.js';

/** The request parameters of /v2/keys, read as etcd reads them. */
export interface V2Params {
  value?: string;
  ttl?: number | null;
  dir: boolean;
  prevExist?: boolean;
  prevValue?: string;
  prevIndex?: number;
  recursive: boolean;
  sorted: boolean;
  wait: boolean;
  waitIndex?: number;
  stream: boolean;
  quorum: boolean;
  /** A stale read from this member's copy, without a quorum round; Flotilla's opt-in. */
  serializable: boolean;
  refresh: boolean;
  noValueOnSuccess: boolean;
}

/** Go's strconv.ParseBool spellings. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const UNSIGNED = /^\d+$/;

const paramError = (code: number, message: string, cause?: string) => new KvError(code, message, cause ?? '', 0);

/**
 * Reads parameters from the form body (only an application/x-www-form-urlencoded one) before the
 * query string, the first occurrence of a name winning; checks them in etcd's order.
 */
export function parseV2Params(method: string, query: URLSearchParams, form: URLSearchParams | undefined): V2Params {
  const get = (name: string): string | undefined => form?.get(name) ?? query.get(name) ?? undefined;
  const has = (name: string) => (form?.has(name) ?? false) || query.has(name);

  const index = (name: string): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (!UNSIGNED.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw paramError(KvErrorCode.IndexNaN, 'The given index in POST form is not a number', `invalid value for "${name}"`);
    }
    return Number(raw);
  };
  // etcd quotes the name in these causes, except for prevExist and refresh.
  const bool = (name: string, quoted = true): boolean | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    throw paramError(KvErrorCode.InvalidField, 'Invalid field', quoted ? `invalid value for "${name}"` : `invalid value for ${name}`);
  };

  const prevIndex = index('prevIndex');
  const waitIndex = index('waitIndex');
  const recursive = bool('recursive') ?? false;
  const sorted = bool('sorted') ?? false;
  const wait = bool('wait') ?? false;
  const dir = bool('dir') ?? false;
  const quorum = bool('quorum') ?? false;
  const stream = bool('stream') ?? false;
  const serializable = bool('serializable') ?? false;
  if (wait && method !== 'GET' && method !== 'HEAD') {
    throw paramError(KvErrorCode.InvalidField, 'Invalid field', '"wait" can only be used with GET requests');
  }
  const prevValue = get('prevValue');
  if (has('prevValue') && prevValue === '') {
    throw paramError(KvErrorCode.PrevValueRequired, 'PrevValue is Required in POST form', '"prevValue" cannot be empty');
  }
  const noValueOnSuccess = bool('noValueOnSuccess') ?? false;
  const ttl = parseTtl(get('ttl'));
  const prevExist = bool('prevExist', false);
  const refresh = bool('refresh', false) ?? false;
  const value = get('value');
  if (refresh) {
    if (value !== undefined && value !== '') throw paramError(211, 'Value provided on refresh', 'A value was provided on a refresh');
    if (ttl === undefined || ttl === null) throw paramError(212, 'A TTL must be provided on refresh', 'No TTL value set');
  }
  return {
    ...(value !== undefined ? { value } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    dir,
    ...(prevExist !== undefined ? { prevExist } : {}),
    ...(prevValue !== undefined ? { prevValue } : {}),
    ...(prevIndex !== undefined && prevIndex !== 0 ? { prevIndex } : {}),
    recursive,
    sorted,
    wait,
    ...(waitIndex !== undefined ? { waitIndex } : {}),
    stream,
    quorum,
    serializable,
    refresh,
    noValueOnSuccess,
  };
}

/** An empty ttl means "no TTL" (and removes one on update); anything but an unsigned integer is 202. */
function parseTtl(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === '') return null;
  if (!UNSIGNED.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw paramError(KvErrorCode.TtlNaN, 'The given TTL in POST form is not a number', 'invalid value for "ttl"');
  }
  return Number(raw);
}

/**
 * The key a /v2/keys path names: percent-decoded, joined like Go's path.Join (so a trailing
 * slash is dropped). Undefined when the path is not clean and must be redirected.
 */
export function keyFromPath(rawRest: string): { key: string } | { redirect: string } {
  const decoded = safeDecode(rawRest);
  const cleaned = cleanPath(`/${decoded}`);
  const raw = `/${rawRest}`;
  if (/\/\/|\/\.\.?(\/|$)/.test(raw.replace(/\/$/, ''))) return { redirect: `/v2/keys${cleanPath(raw)}` };
  return { key: cleaned };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function cleanPath(input: string): string {
  const parts: string[] = [];
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
