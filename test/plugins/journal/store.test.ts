import { readdirSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCursor } from '../../../plugins/journal/store/cursor.js';
import { tempDir } from '../../support/temp-dir.js';
import { collect, FakeClock, IDENTITY, messages, openStore } from './helpers.js';

const test = suite('journal: store');

async function seeded(dir: string, clock = new FakeClock(), overrides: Record<string, unknown> = {}) {
  const store = await openStore(dir, overrides, { clock });
  const units = ['a.service', 'b.service', 'c.service'];
  for (let i = 0; i < 30; i++) {
    await store.append({
      MESSAGE: `m${i}`,
      PRIORITY: String(i % 8),
      _SYSTEMD_UNIT: units[i % 3]!,
      SYSLOG_IDENTIFIER: i % 2 ? 'odd' : 'even',
      _PID: String(100 + (i % 5)),
    });
    clock.advanceMs(1000);
  }
  return store;
}

test('round trip adds trusted fields and address properties', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, {}, { clock: new FakeClock() });
  try {
    await store.append({ MESSAGE: 'hello', PRIORITY: '5', CUSTOM_FIELD: 'x' });
    const [entry] = await collect(store.query({}));
    assert.ok(entry);
    assert.equal(entry.fields, {
      MESSAGE: 'hello',
      PRIORITY: '5',
      CUSTOM_FIELD: 'x',
      _MACHINE_ID: IDENTITY.machineId,
      _BOOT_ID: IDENTITY.bootId,
      _HOSTNAME: IDENTITY.hostname,
      _TRANSPORT: 'journal',
    });
    assert.is(typeof entry.realtimeUs, 'bigint');
    assert.is(typeof entry.monotonicUs, 'bigint');
    const c = parseCursor(entry.cursor);
    assert.is(c.seq, 1);
    assert.is(c.bootId, IDENTITY.bootId);
    assert.is(c.machineId, IDENTITY.machineId);
    assert.is(BigInt(c.realtimeUs), entry.realtimeUs);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('append rejects bad field names and priorities', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path);
  try {
    for (const bad of <Record<string, string>[]>[{ lower: 'x' }, { '1ABC': 'x' }, { __CURSOR: 'x' }, { ['A'.repeat(65)]: 'x' }, { PRIORITY: '8' }, { PRIORITY: 'err' }]) {
      await store.append(bad).then(
        () => assert.unreachable(`accepted ${JSON.stringify(bad)}`),
        (err: Error) => assert.instance(err, TypeError),
      );
    }
    assert.is(store.queued, 0);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('filters: units, matches, priority, since/until', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const start = clock.rt / 1000;
  const store = await seeded(dir.path, clock);
  try {
    assert.equal(await messages(store, { units: ['a.service'] }), ['m0', 'm3', 'm6', 'm9', 'm12', 'm15', 'm18', 'm21', 'm24', 'm27']);
    const ab = await messages(store, { units: ['a.service', 'b.service'] });
    assert.is(ab.length, 20);
    assert.not.ok(ab.includes('m2'));
    // same field OR, different fields AND
    assert.equal(await messages(store, { matches: { _PID: ['100', '101'], SYSLOG_IDENTIFIER: ['odd'] } }), ['m1', 'm5', 'm11', 'm15', 'm21', 'm25']);
    assert.equal(await messages(store, { units: ['a.service'], matches: { SYSLOG_IDENTIFIER: ['odd'] } }), ['m3', 'm9', 'm15', 'm21', 'm27']);
    assert.equal(await messages(store, { matches: { _SYSTEMD_UNIT: ['c.service'], PRIORITY: ['0', '5'] } }), ['m5', 'm8', 'm29']);
    assert.equal(await messages(store, { priority: { max: 1 } }), ['m0', 'm1', 'm8', 'm9', 'm16', 'm17', 'm24', 'm25']);
    assert.equal(await messages(store, { priority: { min: 6, max: 7 }, units: ['a.service'] }), ['m6', 'm15']);
    assert.equal(await messages(store, { since: new Date(start + 5000), until: new Date(start + 8000) }), ['m5', 'm6', 'm7']);
    assert.equal(await messages(store, { matches: { NO_SUCH: ['x'] } }), []);
    assert.equal(await messages(store, { units: ['nope.service'] }), []);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('reverse and last N', async () => {
  const dir = tempDir();
  const store = await seeded(dir.path);
  try {
    const all = await messages(store);
    assert.equal(await messages(store, { reverse: true }), [...all].reverse());
    assert.equal(await messages(store, { lines: 3 }), ['m27', 'm28', 'm29']);
    assert.equal(await messages(store, { lines: 3, reverse: true }), ['m29', 'm28', 'm27']);
    assert.equal(await messages(store, { lines: 2, units: ['b.service'] }), ['m25', 'm28']);
    assert.equal(await messages(store, { lines: 0 }), []);
    assert.is((await messages(store, { lines: 1000 })).length, 30);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('cursor and afterCursor resume exactly across restarts and segments', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  let store = await openStore(dir.path, { maxFileSize: '4KiB' }, { clock });
  try {
    for (let i = 0; i < 200; i++) await store.append({ MESSAGE: `m${i}`, PAD: 'x'.repeat(40) });
    await store.flush();
    assert.ok(store.usage().files > 3, `files: ${store.usage().files}`);
    const entries = await collect(store.query({}));
    assert.is(entries.length, 200);
    const cursors = entries.map((e) => e.cursor);
    await store.close();
    store = await openStore(dir.path, { maxFileSize: '4KiB' }, { clock });
    assert.equal((await collect(store.query({}))).map((e) => e.cursor), cursors);
    for (const at of [0, 37, 38, 120, 198, 199]) {
      const after = await messages(store, { afterCursor: cursors[at]! });
      assert.is(after[0], at === 199 ? undefined : `m${at + 1}`);
      assert.is(after.length, 199 - at);
      const from = await messages(store, { cursor: cursors[at]! });
      assert.is(from[0], `m${at}`);
      assert.equal(await messages(store, { afterCursor: cursors[at]!, reverse: true, lines: 2 }), at >= 2 ? [`m${at - 1}`, `m${at - 2}`] : at === 1 ? ['m0'] : []);
    }
    await store.append({ MESSAGE: 'after restart' });
    assert.equal(await messages(store, { afterCursor: cursors[199]! }), ['after restart']);
    assert.throws(() => parseCursor('garbage'));
    await store.query({ cursor: 'garbage' })[Symbol.asyncIterator]().next().then(
      () => assert.unreachable('accepted a bad cursor'),
      (err: Error) => assert.match(err.message, /invalid journal cursor/),
    );
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('foreign cursor falls back to its realtime', async () => {
  const dir = tempDir();
  const store = await seeded(dir.path);
  try {
    const entries = await collect(store.query({}));
    const c = parseCursor(entries[10]!.cursor);
    const foreign = `i=${'0'.repeat(32)};s=999999;t=${c.realtimeUs};m=0;b=x;h=y`;
    assert.is((await messages(store, { afterCursor: foreign }))[0], 'm11');
    assert.is((await messages(store, { cursor: foreign }))[0], 'm10');
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('segments that cannot match are skipped by their index', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore(dir.path, { maxFileSize: '4KiB' }, { clock });
  try {
    for (let i = 0; i < 300; i++) await store.append({ MESSAGE: `m${i}`, _SYSTEMD_UNIT: i < 150 ? 'early.service' : 'late.service', PRIORITY: i === 10 ? '2' : '6' });
    await store.flush();
    await store.rotate();
    const segs = readdirSync(dir.path).filter((n) => n.endsWith('.jseg'));
    assert.ok(segs.length > 4);
    assert.is((await messages(store, { units: ['late.service'] })).length, 150);
    assert.equal(await messages(store, { priority: { max: 3 } }), ['m10']);
    assert.equal(await messages(store, { units: ['early.service'], lines: 2 }), ['m148', 'm149']);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('realtime going backwards starts a new segment and queries stay right', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore(dir.path, {}, { clock });
  try {
    await store.append({ MESSAGE: 'one' });
    clock.advanceMs(-60_000);
    await store.append({ MESSAGE: 'two' });
    await store.flush();
    assert.is(store.usage().files, 2);
    assert.equal(await messages(store), ['one', 'two']);
    assert.equal(await messages(store, { lines: 1 }), ['two']);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('batching: append resolves when queued; flush makes it durable', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '1h' });
  try {
    await store.append([{ MESSAGE: 'a' }, { MESSAGE: 'b' }]);
    assert.is(store.queued, 2);
    await store.flush();
    assert.is(store.queued, 0);
    assert.is(store.usage().entries, 2);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('the flush timer writes queued entries', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '20ms' });
  try {
    await store.append({ MESSAGE: 'a' });
    await new Promise((r) => setTimeout(r, 80));
    assert.is(store.queued, 0);
    assert.is(store.usage().entries, 1);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test.run();
