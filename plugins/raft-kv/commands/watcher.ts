import type { KeysAnswer, V2Client } from './v2-client.js';

export interface WatchOptions {
  recursive: boolean;
  /** Start after this index (etcdctl's --after-index); 0 waits for the next change. */
  afterIndex: number;
  signal?: AbortSignal;
}

/**
 * The changes under a key, one long poll each, as etcd's Go watcher asks for them: the first with
 * waitIndex=afterIndex+1 (or 0), each next one from the last event's modifiedIndex+1. A poll that
 * ends without an event (the server stopped the watch) is asked again.
 */
export async function* watchChanges(client: V2Client, key: string, options: WatchOptions): AsyncGenerator<KeysAnswer> {
  let waitIndex = options.afterIndex > 0 ? options.afterIndex + 1 : 0;
  for (;;) {
    const answer = await client.keys('GET', key, {
      query: { recursive: String(options.recursive), wait: 'true', waitIndex: String(waitIndex) },
      wait: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!answer.body) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    waitIndex = (answer.body.node.modifiedIndex ?? 0) + 1;
    yield answer;
  }
}
