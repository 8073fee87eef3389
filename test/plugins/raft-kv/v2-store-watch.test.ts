import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KvError, type KvResult } from '../../../core/index.js';
import { V2Store, WatcherClosedError, type Watcher } from '../../../plugins/raft-kv/store/v2-store.js';
import { T0, body, del, errorBody, ok, put, transcriptStore } from './v2-store-support.js';

/** Whether a promise is still unsettled once everything already queued has run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

async function closedReason(watcher: Watcher): Promise<string> {
  try {
    const result = await watcher.next();
    return `event ${JSON.stringify(result)}`;
  } catch (error) {
    assert.instance(error, WatcherClosedError);
    return (error as WatcherClosedError).reason;
  }
}

function thrown(fn: () => unknown): KvError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, KvError);
    return error as KvError;
  }
  throw new Error('expected a KvError');
}

const live = suite('v2 store: live watches');

live('a watch without waitIndex waits for the next change and reports the index it started at', async () => {
  const store = transcriptStore();
  while (store.index < 37) ok(put(store, '/filler', String(store.index), T0));
  const watcher = store.watch('/w', {});
  const next = watcher.next();
  assert.ok(await isPending(next));
  assert.is(store.stats.watchers, 1);
  ok(put(store, '/w', '1', T0));
  const event = await next;
  assert.equal(body(event), { action: 'set', node: { key: '/w', value: '1', modifiedIndex: 38, createdIndex: 38 } });
  assert.is(event.index, 37);
  assert.is(store.stats.watchers, 0);
  assert.ok(watcher.closed);
  assert.is(await closedReason(watcher), 'fired');
});

live('a recursive watch sees descendants, a plain one only its own key', async () => {
  const store = transcriptStore();
  const recursive = store.watch('/wd', { recursive: true });
  const plain = store.watch('/wd', {});
  const plainNext = plain.next();
  ok(put(store, '/wd/deep/key', '1', T0));
  assert.equal(body(await recursive.next()), { action: 'set', node: { key: '/wd/deep/key', value: '1', modifiedIndex: 4, createdIndex: 4 } });
  assert.ok(await isPending(plainNext));
  ok(del(store, '/wd', T0, { recursive: true }));
  assert.equal(body(await plainNext), {
    action: 'delete',
    node: { key: '/wd', dir: true, modifiedIndex: 5, createdIndex: 4 },
    prevNode: { key: '/wd', dir: true, modifiedIndex: 4, createdIndex: 4 },
  });
});

live('a stream watch reports every change, and a deleted key twice', async () => {
  const store = transcriptStore();
  while (store.index < 39) ok(put(store, '/filler', String(store.index), T0));
  const watcher = store.watch('/ws', { stream: true });
  ok(put(store, '/ws', '1', T0));
  ok(put(store, '/ws', '2', T0));
  ok(del(store, '/ws', T0));
  const deleted = {
    action: 'delete',
    node: { key: '/ws', modifiedIndex: 42, createdIndex: 41 },
    prevNode: { key: '/ws', value: '2', modifiedIndex: 41, createdIndex: 41 },
  };
  const events: unknown[] = [];
  for (let i = 0; i < 4; i++) events.push(body(await watcher.next()));
  assert.equal(events, [
    { action: 'set', node: { key: '/ws', value: '1', modifiedIndex: 40, createdIndex: 40 } },
    {
      action: 'set',
      node: { key: '/ws', value: '2', modifiedIndex: 41, createdIndex: 41 },
      prevNode: { key: '/ws', value: '1', modifiedIndex: 40, createdIndex: 40 },
    },
    deleted,
    deleted,
  ]);
  assert.not.ok(watcher.closed);
  assert.is(store.stats.watchers, 1);
  watcher.close();
  assert.ok(watcher.closed);
  assert.is(store.stats.watchers, 0);
});

live('deleting a directory reaches the watchers on the keys inside it', async () => {
  const store = transcriptStore();
  while (store.index < 42) ok(put(store, '/filler', String(store.index), T0));
  ok(put(store, '/dd/x', 'v', T0));
  ok(put(store, '/dd/_hidden', 'v', T0));
  const watcher = store.watch('/dd/x', {});
  const hiddenWatcher = store.watch('/dd/_hidden', {});
  ok(del(store, '/dd', T0, { recursive: true }));
  const expected = {
    action: 'delete',
    node: { key: '/dd', dir: true, modifiedIndex: 45, createdIndex: 43 },
    prevNode: { key: '/dd', dir: true, modifiedIndex: 43, createdIndex: 43 },
  };
  assert.equal(body(await watcher.next()), expected);
  assert.equal(body(await hiddenWatcher.next()), expected);
  assert.equal(body(await store.watch('/dd/x', { waitIndex: 45 }).next()), expected);
});

live('hidden keys are kept from recursive watches of an ancestor, not from a watch on them', async () => {
  const store = transcriptStore();
  while (store.index < 44) ok(put(store, '/filler', String(store.index), T0));
  const root = store.watch('/', { recursive: true });
  const exact = store.watch('/_hid', {});
  const inside = store.watch('/_hd', { recursive: true });
  ok(put(store, '/_hid', '', T0));
  ok(put(store, '/_hd/y', '', T0));
  ok(put(store, '/vis', '1', T0));
  assert.equal(body(await root.next()), { action: 'set', node: { key: '/vis', value: '1', modifiedIndex: 47, createdIndex: 47 } });
  assert.equal(body(await exact.next()), { action: 'set', node: { key: '/_hid', value: '', modifiedIndex: 45, createdIndex: 45 } });
  assert.is((await inside.next()).node.key, '/_hd/y');
});

live('a refresh wakes no watcher', async () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/rf', 'r', T0, { ttl: 30 }));
  const watcher = store.watch('/rf', {});
  const next = watcher.next();
  ok(put(store, '/rf', undefined, T0 + 500, { ttl: 40, refresh: true, prevExist: true }));
  assert.ok(await isPending(next));
  ok(put(store, '/rf', 'r2', T0 + 600));
  assert.equal(body(await next), {
    action: 'set',
    node: { key: '/rf', value: 'r2', modifiedIndex: 3, createdIndex: 3 },
    prevNode: { key: '/rf', value: 'r', expiration: '2026-11-25T04:05:44.5Z', ttl: 40, modifiedIndex: 2, createdIndex: 1 },
  });
  assert.is((await store.watch('/rf', { waitIndex: 2 }).next()).node.modifiedIndex, 3);
});

live('an expiry reaches watchers on the key and inside an expiring directory', async () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/exp', 'e', T0, { ttl: 1 }));
  ok(put(store, '/tdir/a', 'a', T0));
  ok(put(store, '/tdir', undefined, T0, { ttl: 2, prevExist: true }));
  const onKey = store.watch('/exp', {});
  const inside = store.watch('/tdir/a', {});
  ok(store.apply({ op: 'sync', time: T0 + 2000 }));
  assert.equal(body(await onKey.next()), {
    action: 'expire',
    node: { key: '/exp', modifiedIndex: 4, createdIndex: 1 },
    prevNode: { key: '/exp', value: 'e', expiration: '2026-11-25T04:05:05Z', ttl: -1, modifiedIndex: 1, createdIndex: 1 },
  });
  const dirExpiry = await inside.next();
  assert.equal([dirExpiry.action, dirExpiry.node.key, dirExpiry.node.modifiedIndex], ['expire', '/tdir', 5]);
  assert.equal(body(await store.watch('/exp', { waitIndex: 4 }).next()), body(await store.watch('/exp', { waitIndex: 2 }).next()));
});

const history = suite('v2 store: watches from history');

history('waitIndex within the history returns the first matching event at or after it', async () => {
  const store = transcriptStore();
  while (store.index < 37) ok(put(store, '/filler', String(store.index), T0));
  ok(put(store, '/w', '1', T0));
  ok(put(store, '/other', '1', T0));
  const expected = { action: 'set', node: { key: '/w', value: '1', modifiedIndex: 38, createdIndex: 38 } };
  for (const waitIndex of [38, 1]) {
    const watcher = store.watch('/w', { waitIndex });
    const event = await watcher.next();
    assert.equal(body(event), expected);
    assert.is(event.index, 39);
  }
  assert.is(store.stats.watchers, 0);
});

history('a waitIndex in the future returns the first match at or after it', async () => {
  const store = transcriptStore();
  const watcher = store.watch('/fut', { waitIndex: store.index + 3 });
  for (let i = 1; i <= 4; i++) ok(put(store, '/fut', String(i), T0));
  assert.equal(body(await watcher.next()), {
    action: 'set',
    node: { key: '/fut', value: '3', modifiedIndex: 6, createdIndex: 6 },
    prevNode: { key: '/fut', value: '2', modifiedIndex: 5, createdIndex: 5 },
  });
});

history('the history scan does not hide hidden keys', async () => {
  const store = transcriptStore();
  ok(put(store, '/d', undefined, T0, { dir: true }));
  ok(put(store, '/_secret', 's', T0));
  const event = await store.watch('/', { recursive: true, waitIndex: 5 }).next();
  assert.equal(body(event), { action: 'set', node: { key: '/_secret', value: 's', modifiedIndex: 5, createdIndex: 5 } });
});

history('a waitIndex older than the history kept is error 401', () => {
  const store = transcriptStore({ historySize: 1000 });
  while (store.index < 48) ok(put(store, '/filler', String(store.index), T0));
  for (let i = 1; i <= 1100; i++) ok(put(store, '/spam', String(i), T0));
  assert.is(store.index, 1148);
  assert.equal(errorBody(thrown(() => store.watch('/w', { waitIndex: 38 }))), {
    errorCode: 401,
    message: 'The event in requested index is outdated and cleared',
    cause: 'the requested history has been cleared [149/38]',
    index: 1148,
  });
  assert.is(thrown(() => store.watch('/spam', { waitIndex: 148 })).detail, 'the requested history has been cleared [149/148]');
  assert.ok(store.watch('/spam', { waitIndex: 149 }));
});

history('a history event without a match leaves the watcher waiting from waitIndex', async () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/a', '1', T0));
  ok(put(store, '/b', '1', T0));
  const watcher = store.watch('/c', { waitIndex: 1 });
  const next = watcher.next();
  assert.ok(await isPending(next));
  ok(put(store, '/c', '1', T0));
  assert.is((await next).node.key, '/c');
});

const limits = suite('v2 store: watcher limits and endings');

limits('maxWatchers caps the registered watchers; closing one frees its slot', async () => {
  const store = new V2Store({ historySize: 100, maxWatchers: 2 });
  ok(put(store, '/k', 'v', T0));
  const first = store.watch('/a', {});
  store.watch('/b', { recursive: true });
  assert.equal(errorBody(thrown(() => store.watch('/c', {}))), {
    errorCode: 400,
    message: 'too many watchers',
    cause: 'the number of watchers has reached the limit [2]',
    index: 1,
  });
  assert.is((await store.watch('/k', { waitIndex: 1 }).next()).node.key, '/k');
  const pending = first.next();
  first.close();
  assert.is(await pending.then(() => 'resolved', (error: WatcherClosedError) => error.reason), 'closed');
  assert.is(store.stats.watchers, 1);
  const third = store.watch('/c', {});
  ok(put(store, '/c', 'v', T0));
  assert.is((await third.next()).node.key, '/c');
  assert.is(store.stats.watchers, 1);
});

limits('a stream watcher that falls 100 events behind is dropped after what it holds', async () => {
  const store = new V2Store({ historySize: 1000 });
  const watcher = store.watch('/s', { stream: true });
  for (let i = 0; i < 101; i++) ok(put(store, '/s', String(i), T0));
  assert.is(store.stats.watchers, 0);
  const values: (string | undefined)[] = [];
  for (let i = 0; i < 100; i++) values.push((await watcher.next()).node.value);
  assert.equal(values, Array.from({ length: 100 }, (_, i) => String(i)));
  assert.ok(watcher.closed);
  assert.is(await closedReason(watcher), 'overflow');
});

limits('a restore ends the watchers of the old state', async () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/k', 'v', T0));
  const snapshot = store.snapshot();
  const watcher = store.watch('/k', {});
  const next = watcher.next();
  store.restore(snapshot);
  assert.is(await next.then(() => 'resolved', (error: WatcherClosedError) => error.reason), 'restored');
  assert.is(store.stats.watchers, 0);
});

limits('watch events are shared copies carrying the start index', async () => {
  const store = new V2Store({ historySize: 100 });
  const a = store.watch('/k', {});
  ok(put(store, '/x', 'v', T0));
  const b = store.watch('/k', {});
  const applied = ok(put(store, '/k', 'v', T0));
  const [ea, eb]: KvResult[] = await Promise.all([a.next(), b.next()]);
  assert.equal([ea.index, eb.index, applied.index], [0, 1, 2]);
  assert.equal(ea.node, applied.node);
});

live.run();
history.run();
limits.run();
