import { EtcdError, type KeysAnswer, type V2Client, type V2Node } from './v2-client.js';

/** The subtrees under some prefixes, read at (at least) `index`. */
export interface PrefixSnapshot {
  listings: V2Node[];
  /** The lowest X-Etcd-Index the listings came with: a watch from index + 1 misses no change. */
  index: number;
}

/** How long one long poll may stay open before it is asked again from the same index. */
const POLL_LIMIT_MS = 60_000;

/** `/services/app/` and `services/app` are `/services/app`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = `/${prefix}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Reads each prefix recursively; a prefix that does not exist lists nothing. */
export async function listPrefixes(client: V2Client, prefixes: readonly string[], signal?: AbortSignal): Promise<PrefixSnapshot> {
  const listings: V2Node[] = [];
  let index = Number.POSITIVE_INFINITY;
  for (const prefix of prefixes) {
    try {
      const answer = await client.keys('GET', prefix, { query: { recursive: 'true', sorted: 'true' }, ...(signal ? { signal } : {}) });
      listings.push(answer.body.node);
      index = Math.min(index, answer.index);
    } catch (error) {
      if (!(error instanceof EtcdError && error.errorCode === 100)) throw error;
      index = Math.min(index, error.index);
    }
  }
  return { listings, index: Number.isFinite(index) ? index : 0 };
}

/**
 * Waits for the first change under any of the prefixes at or after `waitIndex`: one recursive long
 * poll per prefix, the others abandoned once one answers. Rejects with etcd's error 401 when the
 * store no longer keeps the history from `waitIndex` (list again, then watch from there).
 */
export async function nextChange(client: V2Client, prefixes: readonly string[], waitIndex: number, stop: AbortSignal): Promise<KeysAnswer> {
  const done = new AbortController();
  const signal = AbortSignal.any([stop, done.signal]);
  try {
    return await Promise.race(prefixes.map((prefix) => pollUntilChange(client, prefix, waitIndex, signal)));
  } finally {
    done.abort();
  }
}

async function pollUntilChange(client: V2Client, prefix: string, waitIndex: number, signal: AbortSignal): Promise<KeysAnswer> {
  for (;;) {
    const poll = AbortSignal.any([signal, AbortSignal.timeout(POLL_LIMIT_MS)]);
    try {
      const answer = await client.keys('GET', prefix, {
        query: { recursive: 'true', wait: 'true', waitIndex: String(waitIndex) },
        wait: true,
        signal: poll,
      });
      if (answer.body) return answer;
      // The node ended the poll without an event (it is stopping, or closed idle watches).
      await new Promise((resolve) => setTimeout(resolve, 100));
    } catch (error) {
      if (signal.aborted || !poll.aborted) throw error;
    }
  }
}
