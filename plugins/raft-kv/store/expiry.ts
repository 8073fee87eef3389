/** Expiration times: milliseconds since the epoch inside the store, RFC 3339 and whole seconds outside. */

/** The expireTime of a node without a TTL. */
export const PERMANENT = Number.POSITIVE_INFINITY;

const MAX_DATE_MS = 8.64e15;

export function expireTimeOf(ttlSeconds: number | null | undefined, time: number): number {
  return ttlSeconds == null ? PERMANENT : time + ttlSeconds * 1000;
}

/**
 * RFC 3339 in UTC, trailing zeros of the fraction trimmed (Go's RFC3339Nano). A float of epoch
 * milliseconds holds about a quarter of a microsecond, so the fraction stops at microseconds.
 */
export function formatExpiration(ms: number): string {
  const clamped = Math.max(-MAX_DATE_MS, Math.min(MAX_DATE_MS, ms));
  const whole = Math.floor(clamped);
  const micros = Math.min(999, Math.round((clamped - whole) * 1000));
  const iso = new Date(whole).toISOString();
  const fraction = (iso.slice(20, 23) + String(micros).padStart(3, '0')).replace(/0+$/, '');
  return iso.slice(0, 19) + (fraction ? '.' + fraction : '') + 'Z';
}

/**
 * Seconds left, rounded up while positive and truncated towards zero once past (as etcd
 * computes it); 0 means the field is left out.
 */
export function remainingSeconds(expireTime: number, now: number): number {
  const left = expireTime - now;
  const seconds = Math.trunc(left / 1000);
  const result = left - seconds * 1000 > 0 ? seconds + 1 : seconds;
  return result === 0 ? 0 : result;
}
