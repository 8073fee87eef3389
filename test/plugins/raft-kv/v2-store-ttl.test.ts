import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatExpiration, remainingSeconds } from '../../../plugins/raft-kv/store/expiry.js';
import { V2Store } from '../../../plugins/raft-kv/store/v2-store.js';
import { T0, body, del, failure, ok, put, transcriptStore } from './v2-store-support.js';

const ttl = suite('v2 store: TTL');

ttl('expiration is RFC 3339 with the fraction trimmed; ttl is the ceiling of the seconds left', () => {
  assert.is(formatExpiration(Date.parse('2026-11-25T04:05:07.938Z')), '2026-11-25T04:05:07.938Z');
  assert.is(formatExpiration(Date.parse('2026-11-25T04:05:07.900Z')), '2026-11-25T04:05:07.9Z');
  assert.is(formatExpiration(Date.parse('2026-11-25T04:05:07Z')), '2026-11-25T04:05:07Z');
  assert.is(formatExpiration(Date.parse('2026-11-25T04:34:07.461Z') + 0.398), '2026-11-25T04:34:07.461398Z');
  assert.is(remainingSeconds(T0 + 3000, T0), 3);
  assert.is(remainingSeconds(T0 + 3000, T0 + 1100), 2);
  assert.is(remainingSeconds(T0 + 3000, T0 + 2999), 1);
  assert.is(remainingSeconds(T0 + 3000, T0 + 3000), 0);
  assert.is(remainingSeconds(T0 + 3000, T0 + 3400), 0);
  assert.is(remainingSeconds(T0 + 3000, T0 + 4500), -1);
});

ttl('a key with a TTL counts down and expires at the first sync at or after its expiration', () => {
  const store = transcriptStore();
  while (store.index < 11) ok(put(store, '/filler', String(store.index), T0));
  const t = T0 + 938;
  const created = ok(put(store, '/foo', 'bar', t, { ttl: 3 }));
  assert.equal(body(created), {
    action: 'set',
    node: { key: '/foo', value: 'bar', expiration: '2026-11-25T04:05:07.938Z', ttl: 3, modifiedIndex: 12, createdIndex: 12 },
  });
  assert.is(store.nextExpiry(), t + 3000);
  assert.equal(ok(store.get('/foo', {}, t + 1100)).node, {
    key: '/foo',
    value: 'bar',
    expiration: '2026-11-25T04:05:07.938Z',
    ttl: 2,
    modifiedIndex: 12,
    createdIndex: 12,
  });
  const early = store.apply({ op: 'sync', time: t + 2999 });
  assert.ok(early.ok && early.expired?.length === 0);
  assert.is(store.index, 12);
  const sync = store.apply({ op: 'sync', time: t + 3200 });
  assert.ok(sync.ok);
  assert.equal(sync.expired!.map(body), [
    {
      action: 'expire',
      node: { key: '/foo', modifiedIndex: 13, createdIndex: 12 },
      prevNode: { key: '/foo', value: 'bar', expiration: '2026-11-25T04:05:07.938Z', modifiedIndex: 12, createdIndex: 12 },
    },
  ]);
  assert.is(sync.result, sync.expired![0]);
  assert.equal(failure(store.get('/foo', {}, t + 4000)), { errorCode: 100, message: 'Key not found', cause: '/foo', index: 13 });
  assert.is(store.nextExpiry(), undefined);
  assert.is(store.stats.expireCount, 1);
});

ttl('refresh through update changes only the TTL; ttl null removes it', () => {
  const store = transcriptStore();
  while (store.index < 13) ok(put(store, '/filler', String(store.index), T0));
  ok(put(store, '/t2', 'v', T0, { ttl: 5 }));
  const refreshed = ok(put(store, '/t2', undefined, T0 + 10, { ttl: 30, refresh: true, prevExist: true }));
  assert.equal(body(refreshed), {
    action: 'update',
    node: { key: '/t2', value: 'v', expiration: '2026-11-25T04:05:34.01Z', ttl: 30, modifiedIndex: 15, createdIndex: 14 },
    prevNode: { key: '/t2', value: 'v', expiration: '2026-11-25T04:05:09Z', ttl: 5, modifiedIndex: 14, createdIndex: 14 },
  });
  assert.is(store.nextExpiry(), T0 + 10 + 30_000);
  assert.equal(failure(put(store, '/t2', 'x', T0, { ttl: 30, refresh: true })), {
    errorCode: 211,
    message: 'Value provided on refresh',
    cause: 'A value was provided on a refresh',
    index: 0,
  });
  assert.equal(failure(put(store, '/t2', undefined, T0, { refresh: true })), {
    errorCode: 212,
    message: 'A TTL must be provided on refresh',
    cause: 'No TTL value set',
    index: 0,
  });
  const cleared = ok(put(store, '/t2', 'v2', T0 + 20, { ttl: null, prevExist: true }));
  assert.equal(body(cleared), {
    action: 'update',
    node: { key: '/t2', value: 'v2', modifiedIndex: 16, createdIndex: 14 },
    prevNode: { key: '/t2', value: 'v', expiration: '2026-11-25T04:05:34.01Z', ttl: 30, modifiedIndex: 15, createdIndex: 14 },
  });
  assert.is(store.nextExpiry(), undefined);
  assert.equal(failure(put(store, '/tneg', 'v', T0, { ttl: -1 })), {
    errorCode: 202,
    message: 'The given TTL in POST form is not a number',
    cause: 'invalid value for "ttl"',
    index: 0,
  });
});

ttl('an update without a ttl makes the key permanent, as an empty ttl does', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/k', 'a', T0, { ttl: 5 }));
  assert.is(ok(put(store, '/k', 'b', T0, { prevExist: true })).node.expiration, undefined);
  ok(put(store, '/k', 'c', T0, { ttl: 5 }));
  assert.is(ok(put(store, '/k', 'd', T0, { prevValue: 'c' })).node.expiration, undefined);
  assert.is(store.nextExpiry(), undefined);
  assert.ok(store.apply({ op: 'sync', time: T0 + 10_000 }).ok);
  assert.is(ok(store.get('/k', {}, T0)).node.value, 'd');
});

ttl('refresh through a plain set keeps the value but makes a new node; it needs the key to exist', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/rf', 'r2', T0));
  const refreshed = ok(put(store, '/rf', undefined, T0, { ttl: 50, refresh: true }));
  assert.equal(body(refreshed), {
    action: 'set',
    node: { key: '/rf', value: 'r2', expiration: '2026-11-25T04:05:54Z', ttl: 50, modifiedIndex: 2, createdIndex: 2 },
    prevNode: { key: '/rf', value: 'r2', modifiedIndex: 1, createdIndex: 1 },
  });
  assert.equal(failure(put(store, '/nothere', '', T0, { ttl: 5, refresh: true })), { errorCode: 100, message: 'Key not found', cause: '/nothere', index: 2 });
  const viaCas = ok(put(store, '/rf', undefined, T0 + 1000, { ttl: 9, refresh: true, prevValue: 'r2' }));
  assert.equal(viaCas.node, { key: '/rf', value: 'r2', expiration: '2026-11-25T04:05:14Z', ttl: 9, modifiedIndex: 3, createdIndex: 2 });
  assert.is(viaCas.action, 'compareAndSwap');
});

ttl('ttl=0 shows an expiration without ttl and goes at the next sync', () => {
  const store = transcriptStore();
  while (store.index < 5) ok(put(store, '/filler', String(store.index), T0));
  const t = Date.parse('2026-11-25T04:34:07.461Z');
  const created = ok(put(store, '/z0', 'v', t, { ttl: 0 }));
  assert.equal(created.node, { key: '/z0', value: 'v', expiration: '2026-11-25T04:34:07.461Z', modifiedIndex: 6, createdIndex: 6 });
  assert.equal(ok(store.get('/z0', {}, t)).node, created.node);
  ok(store.apply({ op: 'sync', time: t + 400 }));
  assert.equal(failure(store.get('/z0', {}, t + 500)), { errorCode: 100, message: 'Key not found', cause: '/z0', index: 7 });
});

ttl('a node past its expiration but not yet synced shows no ttl, then a negative one', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/late', 'v', T0, { ttl: 1 }));
  assert.is(ok(store.get('/late', {}, T0 + 1400)).node.ttl, undefined);
  assert.is(ok(store.get('/late', {}, T0 + 2500)).node.ttl, -1);
});

ttl('an expiring directory takes its subtree with it in one event', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/tdir', undefined, T0, { dir: true, ttl: 10 }));
  ok(put(store, '/tdir/a', '1', T0));
  ok(put(store, '/tdir/sub/b', '2', T0, { ttl: 60 }));
  ok(put(store, '/keep', 'k', T0));
  assert.is(store.stats.keys, 5);
  const sync = store.apply({ op: 'sync', time: T0 + 10_000 });
  assert.ok(sync.ok);
  assert.equal(sync.expired!.map(body), [
    {
      action: 'expire',
      node: { key: '/tdir', dir: true, modifiedIndex: 5, createdIndex: 1 },
      prevNode: { key: '/tdir', dir: true, expiration: '2026-11-25T04:05:14Z', modifiedIndex: 1, createdIndex: 1 },
    },
  ]);
  assert.is(store.nextExpiry(), undefined);
  assert.is(store.stats.keys, 1);
  assert.is(failure(store.get('/tdir/sub/b', {}, T0)).cause, '/tdir');
});

ttl('a sync expires in expiration order, ties by key, each with its own index', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/c', 'v', T0, { ttl: 2 }));
  ok(put(store, '/b', 'v', T0, { ttl: 1 }));
  ok(put(store, '/a', 'v', T0, { ttl: 2 }));
  ok(put(store, '/later', 'v', T0, { ttl: 100 }));
  assert.is(store.nextExpiry(), T0 + 1000);
  const sync = store.apply({ op: 'sync', time: T0 + 5000 });
  assert.ok(sync.ok);
  assert.equal(
    sync.expired!.map((e) => [e.node.key, e.index]),
    [
      ['/b', 5],
      ['/a', 6],
      ['/c', 7],
    ],
  );
  assert.is(store.index, 7);
  assert.is(store.nextExpiry(), T0 + 100_000);
  ok(del(store, '/later', T0));
  assert.is(store.nextExpiry(), undefined);
});

ttl('replacing or deleting a TTL node takes it off the expiry schedule', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/x', 'v', T0, { ttl: 1 }));
  ok(put(store, '/x', 'w', T0));
  ok(put(store, '/y', 'v', T0, { ttl: 1 }));
  ok(put(store, '/y', undefined, T0, { dir: true }));
  ok(put(store, '/z', 'v', T0, { ttl: 1 }));
  ok(del(store, '/z', T0, { prevValue: 'v' }));
  assert.is(store.nextExpiry(), undefined);
  const sync = store.apply({ op: 'sync', time: T0 + 5000 });
  assert.ok(sync.ok && sync.expired!.length === 0);
});

ttl.run();
