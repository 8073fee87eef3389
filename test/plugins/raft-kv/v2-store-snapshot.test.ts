import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoreCommand } from '../../../plugins/raft-kv/store/commands.js';
import { V2Store, type ApplyOutcome } from '../../../plugins/raft-kv/store/v2-store.js';
import { T0, body, del, errorBody, failure, ok, put } from './v2-store-support.js';
import { seededRandom } from '../../support/seeded-random.js';


/** A random mix of every kind of command over a small key space, so they collide often. */
function randomCommands(seed: number, count: number): StoreCommand[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const keys = ['/a', '/a/b', '/a/b/c', '/a/_h', '/d', '/d/e', '/q', '/_x/y', '/f', '/g', '/h/i', '/j'];
  const value = (): string => `v${Math.floor(random() * 3)}`;
  const commands: StoreCommand[] = [];
  let time = T0;
  for (let i = 0; i < count; i++) {
    time += Math.floor(random() * 400);
    const key = pick(keys);
    const ttl = random() < 0.3 ? Math.floor(random() * 4) : random() < 0.1 ? null : undefined;
    const roll = random();
    if (roll < 0.3) commands.push({ op: 'set', key, value: value(), ttl, dir: random() < 0.05, time });
    else if (roll < 0.4) commands.push({ op: 'set', key, value: value(), prevExist: random() < 0.5, ttl, time });
    else if (roll < 0.5) commands.push({ op: 'set', key, value: value(), prevValue: value(), ttl, time });
    else if (roll < 0.55) commands.push({ op: 'set', key, ttl: 5, refresh: true, prevExist: random() < 0.5 ? true : undefined, time });
    else if (roll < 0.63) commands.push({ op: 'createInOrder', dir: pick(['/q', '/a', '/f']), value: value(), ttl, time });
    else if (roll < 0.75) commands.push({ op: 'delete', key, dir: random() < 0.5, recursive: random() < 0.3, time });
    else if (roll < 0.82) commands.push({ op: 'delete', key, prevValue: value(), time });
    else if (roll < 0.85) commands.push({ op: 'delete', key, prevIndex: Math.max(1, i - Math.floor(random() * 20)), time });
    else commands.push({ op: 'sync', time });
  }
  return commands;
}

function plain(outcome: ApplyOutcome): unknown {
  return outcome.ok ? JSON.parse(JSON.stringify(outcome)) : { error: errorBody(outcome.error) };
}

function tree(store: V2Store, now: number): unknown {
  return ok(store.get('/', { recursive: true, sorted: true }, now));
}

const snapshots = suite('v2 store: snapshot and restore');

function sampleStore(): V2Store {
  const store = new V2Store({ historySize: 1000 });
  ok(put(store, '/a/b/c', '1', T0));
  ok(put(store, '/a/_hidden', 'h', T0));
  ok(put(store, '/ttl', 'v', T0, { ttl: 30 }));
  ok(put(store, '/ttl', undefined, T0 + 100, { ttl: 40, refresh: true, prevExist: true }));
  ok(put(store, '/dir', undefined, T0, { dir: true, ttl: 60 }));
  ok(store.apply({ op: 'createInOrder', dir: '/queue', value: 'job', time: T0 }));
  ok(put(store, '/gone', 'x', T0));
  ok(del(store, '/gone', T0));
  ok(put(store, '/a/b/c', '2', T0, { prevValue: '1' }));
  ok(put(store, '/sp ace/✓', '&<>', T0));
  return store;
}

snapshots('a restored store has the same tree, index, expiries, counters and history', async () => {
  const store = sampleStore();
  const data = store.snapshot();
  const restored = new V2Store({ historySize: 1000 });
  restored.restore(data);
  assert.is(restored.index, store.index);
  assert.equal(tree(restored, T0 + 1000), tree(store, T0 + 1000));
  assert.equal(ok(restored.get('/a/_hidden', {}, T0)), ok(store.get('/a/_hidden', {}, T0)));
  assert.is(restored.nextExpiry(), store.nextExpiry());
  const { getsSuccess: _a, getsFail: _b, ...writes } = store.stats;
  const { getsSuccess: _c, getsFail: _d, ...restoredWrites } = restored.stats;
  assert.equal(restoredWrites, writes);
  assert.ok(Buffer.from(restored.snapshot()).equals(Buffer.from(data)));
  for (let waitIndex = 1; waitIndex <= store.index; waitIndex++) {
    const [a, b] = await Promise.all([store.watch('/', { recursive: true, waitIndex }).next(), restored.watch('/', { recursive: true, waitIndex }).next()]);
    assert.equal(body(b), body(a), `waitIndex ${waitIndex}`);
  }
});

snapshots('a watch resumes from the history after a restore', async () => {
  const store = sampleStore();
  const restored = new V2Store({ historySize: 1000 });
  restored.restore(store.snapshot());
  const resumed = await restored.watch('/gone', { waitIndex: 1 }).next();
  assert.equal(body(resumed), {
    action: 'set',
    node: { key: '/gone', value: 'x', modifiedIndex: 7, createdIndex: 7 },
  });
  assert.equal(body(await restored.watch('/ttl', { waitIndex: 3 }).next()), body(await store.watch('/ttl', { waitIndex: 3 }).next()));
  const live = restored.watch('/a', { recursive: true });
  ok(put(restored, '/a/new', 'n', T0));
  assert.is((await live.next()).node.key, '/a/new');
});

snapshots('restored and original stores go on identically, expiries included', () => {
  const store = sampleStore();
  const restored = new V2Store({ historySize: 1000 });
  restored.restore(store.snapshot());
  const more: StoreCommand[] = [
    { op: 'sync', time: T0 + 35_000 },
    { op: 'set', key: '/a/b/d', value: 'x', ttl: 1, time: T0 + 35_000 },
    { op: 'sync', time: T0 + 61_000 },
    { op: 'delete', key: '/a', recursive: true, time: T0 + 61_000 },
  ];
  for (const command of more) assert.equal(plain(restored.apply(command)), plain(store.apply(command)));
  assert.ok(Buffer.from(restored.snapshot()).equals(Buffer.from(store.snapshot())));
  assert.is(restored.index, 15);
  assert.equal(ok(restored.get('/', { recursive: true, sorted: true }, T0)).node.nodes, [
    { key: '/queue', dir: true, nodes: [{ key: '/queue/00000000000000000006', value: 'job', modifiedIndex: 6, createdIndex: 6 }], modifiedIndex: 6, createdIndex: 6 },
    { key: '/sp ace', dir: true, nodes: [{ key: '/sp ace/✓', value: '&<>', modifiedIndex: 10, createdIndex: 10 }], modifiedIndex: 10, createdIndex: 10 },
  ]);
});

snapshots('a smaller history keeps the newest events of a snapshot', () => {
  const store = sampleStore();
  const small = new V2Store({ historySize: 3 });
  small.restore(store.snapshot());
  assert.is(small.index, 10);
  let error: unknown;
  try {
    small.watch('/', { waitIndex: 7 });
  } catch (caught) {
    error = caught;
  }
  assert.equal(failure({ ok: false, error: error as never }).cause, 'the requested history has been cleared [8/7]');
  assert.ok(small.watch('/', { waitIndex: 8, recursive: true }));
});

snapshots('a bad snapshot is refused and leaves the store as it was', () => {
  const store = sampleStore();
  const before = store.snapshot();
  assert.throws(() => store.restore(Buffer.from('{"format":"something else"}')));
  assert.throws(() => store.restore(Buffer.from('not json')));
  assert.ok(Buffer.from(store.snapshot()).equals(Buffer.from(before)));
});

const determinism = suite('v2 store: determinism');

determinism('two stores fed the same commands answer and snapshot identically', () => {
  for (const seed of [1, 2, 3]) {
    const commands = randomCommands(seed, 2000);
    const a = new V2Store({ historySize: 500 });
    const b = new V2Store({ historySize: 500 });
    let mid: V2Store | undefined;
    commands.forEach((command, i) => {
      const outcome = plain(a.apply(command));
      assert.equal(plain(b.apply(command)), outcome, `seed ${seed} command ${i}`);
      if (mid) assert.equal(plain(mid.apply(command)), outcome, `seed ${seed} command ${i} after restore`);
      if (i === 999) {
        mid = new V2Store({ historySize: 500 });
        mid.restore(a.snapshot());
      }
    });
    const snapshot = Buffer.from(a.snapshot());
    assert.ok(snapshot.equals(Buffer.from(b.snapshot())), `seed ${seed}`);
    assert.ok(snapshot.equals(Buffer.from(mid!.snapshot())), `seed ${seed} restored`);
    assert.ok(a.index > 500, 'the commands moved the index');
  }
});

const stats = suite('v2 store: stats');

stats('counters follow what etcd reports, including its odd cases', () => {
  const store = new V2Store({ historySize: 100 });
  ok(put(store, '/k', 'v', T0));
  failure(put(store, '/k/x', 'v', T0));
  ok(put(store, '/c', 'v', T0, { prevExist: false }));
  failure(put(store, '/c', 'v', T0, { prevExist: false }));
  // an in-order create under a file fails as a create and as a set
  failure(store.apply({ op: 'createInOrder', dir: '/k', value: 'x', time: T0 }));
  ok(put(store, '/k', 'w', T0, { prevExist: true }));
  failure(put(store, '/nope', 'w', T0, { prevExist: true }));
  ok(put(store, '/k', 'x', T0, { prevValue: 'w' }));
  failure(put(store, '/k', 'y', T0, { prevValue: 'zz' }));
  failure(del(store, '/k', T0, { prevValue: 'zz' }));
  ok(del(store, '/k', T0, { prevValue: 'x' }));
  failure(del(store, '/', T0, { recursive: true }));
  failure(del(store, '/nope', T0));
  ok(del(store, '/c', T0));
  ok(put(store, '/e', 'v', T0, { ttl: 0 }));
  ok(store.apply({ op: 'sync', time: T0 }));
  ok(store.get('/', {}, T0));
  failure(store.get('/nope', {}, T0));
  store.watch('/w', {});
  assert.equal(store.stats, {
    getsSuccess: 1,
    getsFail: 1,
    setsSuccess: 2,
    setsFail: 2,
    deleteSuccess: 2,
    deleteFail: 1,
    updateSuccess: 1,
    updateFail: 1,
    createSuccess: 1,
    createFail: 2,
    compareAndSwapSuccess: 1,
    compareAndSwapFail: 1,
    compareAndDeleteSuccess: 2,
    compareAndDeleteFail: 0,
    expireCount: 1,
    watchers: 1,
    keys: 0,
  });
});

snapshots.run();
determinism.run();
stats.run();
