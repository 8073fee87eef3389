import { suite } from 'uvu';
import { openEntryStream } from '../../../plugins/journal/entry-stream.js';
import * as assert from 'uvu/assert';
import type { JournalEntry } from '../../../core/index.js';
import { JOURNAL_DROPPED_MESSAGE_ID, RateLimiter } from '../../../plugins/journal/ingest/rate-limiter.js';
import { tempDir } from '../../support/temp-dir.js';
import { collect, FakeClock, messages, openStore } from './helpers.js';

const test = suite('journal: rate limit and follow');

test('limiter allows a burst per window per key', () => {
  const rl = new RateLimiter(1000, 3);
  const allowed = (key: string, t: number) => rl.check(key, t).allowed;
  assert.equal([0, 1, 2, 3, 4].map((t) => allowed('a', t)), [true, true, true, false, false]);
  assert.ok(allowed('b', 5));
  assert.equal(rl.check('a', 1000), { allowed: true, suppressedBefore: 2 });
  assert.equal(rl.check('a', 1001), { allowed: true, suppressedBefore: 0 });
  assert.ok(new RateLimiter(0, 3).check('a', 0).allowed);
  assert.not.ok(new RateLimiter(1000, 0).enabled);
});

test('store drops excess per unit and writes a suppression entry', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore(dir.path, { rateLimitInterval: '30s', rateLimitBurst: 5 }, { clock });
  try {
    for (let i = 0; i < 12; i++) await store.append({ MESSAGE: `a${i}`, _SYSTEMD_UNIT: 'a.service' });
    for (let i = 0; i < 3; i++) await store.append({ MESSAGE: `b${i}`, _SYSTEMD_UNIT: 'b.service' });
    assert.is((await messages(store, { units: ['a.service'] })).length, 5);
    assert.is((await messages(store, { units: ['b.service'] })).length, 3);
    clock.advanceMs(30_001);
    await store.append({ MESSAGE: 'later', _SYSTEMD_UNIT: 'a.service' });
    const tail = await collect(store.query({ units: ['a.service'], lines: 2 }));
    assert.is(tail[0]!.fields.MESSAGE, 'Suppressed 7 messages from a.service');
    assert.is(tail[0]!.fields.MESSAGE_ID, JOURNAL_DROPPED_MESSAGE_ID);
    assert.is(tail[0]!.fields.N_DROPPED, '7');
    assert.is(tail[0]!.fields.PRIORITY, '4');
    assert.is(tail[0]!.fields._TRANSPORT, 'driver');
    assert.is(tail[1]!.fields.MESSAGE, 'later');
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('follow yields the selected history, then new entries, and stops on abort', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '5ms' });
  try {
    await store.append([{ MESSAGE: 'old1' }, { MESSAGE: 'old2', _SYSTEMD_UNIT: 'x.service' }]);
    const ac = new AbortController();
    const seen: JournalEntry[] = [];
    const done = (async () => {
      for await (const e of store.follow({ units: ['x.service'], lines: 10 }, ac.signal)) {
        seen.push(e);
        if (seen.length === 3) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    assert.is(store.followers, 1);
    await store.append({ MESSAGE: 'other', _SYSTEMD_UNIT: 'y.service' });
    await store.append({ MESSAGE: 'new1', _SYSTEMD_UNIT: 'x.service' });
    await new Promise((r) => setTimeout(r, 20));
    await store.append({ MESSAGE: 'new2', _SYSTEMD_UNIT: 'x.service' });
    await done;
    assert.equal(seen.map((e) => e.fields.MESSAGE), ['old2', 'new1', 'new2']);
    assert.is(store.followers, 0);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('follow applies every filter to new entries, across many batches and a rotation', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '5ms', maxFileSize: '8KiB' });
  try {
    const ac = new AbortController();
    const seen: string[] = [];
    const query = { units: ['x.service'], priority: { max: 3 }, matches: { SYSLOG_IDENTIFIER: ['app'] }, lines: 0 };
    const done = (async () => {
      for await (const e of store.follow(query, ac.signal)) {
        seen.push(`${e.fields.MESSAGE}@${e.fields.PRIORITY}`);
        if (seen.length === 20) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) {
      const unit = i % 2 ? 'x.service' : 'y.service';
      const priority = i % 4 === 1 ? 3 : 6;
      const ident = i % 3 === 0 ? 'other' : 'app';
      await store.append({ MESSAGE: `m${i} ${'.'.repeat(80)}`, PRIORITY: String(priority), _SYSTEMD_UNIT: unit, SYSLOG_IDENTIFIER: ident });
      if (unit === 'x.service' && priority <= 3 && ident === 'app' && expected.length < 20) expected.push(`m${i} ${'.'.repeat(80)}@${priority}`);
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await done;
    assert.equal(seen, expected);
    assert.ok(store.usage().files > 1, 'the entries spread over several segments');
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('follow ends when aborted while idle, on break, and on close', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '5ms' });
  try {
    const ac = new AbortController();
    const idle = collect(store.follow({ lines: 0 }, ac.signal));
    await new Promise((r) => setTimeout(r, 10));
    assert.is(store.followers, 1);
    ac.abort();
    assert.equal(await idle, []);
    assert.is(store.followers, 0);

    const ac2 = new AbortController();
    const broke = (async () => {
      for await (const e of store.follow({}, ac2.signal)) return e.fields.MESSAGE;
      return undefined;
    })();
    await store.append({ MESSAGE: 'first' });
    assert.is(await broke, 'first');
    assert.is(store.followers, 0);

    const closing = collect(store.follow({ lines: 0 }, new AbortController().signal));
    await new Promise((r) => setTimeout(r, 10));
    await store.close();
    assert.equal(await closing, []);
    assert.is(store.followers, 0);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('a follow stream with lines=0 (or no match in the last N) starts with what comes next, not the history', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { flushInterval: '5ms' });
  try {
    await store.append([{ MESSAGE: 'old', _SYSTEMD_UNIT: 'x.service' }]);
    for (const lines of [0, 10]) {
      const ac = new AbortController();
      const unit = lines === 0 ? 'x.service' : 'never-before.service';
      const stream = await openEntryStream(store, { units: [unit], lines }, ac.signal);
      const next = stream.next();
      await new Promise((r) => setTimeout(r, 20));
      await store.append({ MESSAGE: `new for ${lines}`, _SYSTEMD_UNIT: unit });
      const first = await next;
      assert.is(first.value?.fields.MESSAGE, `new for ${lines}`);
      ac.abort();
      await stream.return(undefined);
    }
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test.run();
