import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { segmentsToDrop } from '../../../plugins/journal/store/retention.js';
import { tempDir } from '../../support/temp-dir.js';
import { FakeClock, messages, openStore } from './helpers.js';

const test = suite('journal: retention');

const dirBytes = (dir: string) => readdirSync(dir).filter((n) => /\.jseg(\.idx)?$/.test(n)).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);

async function fill(store: Awaited<ReturnType<typeof openStore>>, n: number, clock?: FakeClock) {
  for (let i = 0; i < n; i++) {
    await store.append({ MESSAGE: `m${i}`, PAD: 'x'.repeat(100) });
    if (i % 20 === 19) {
      await store.flush();
      clock?.advanceMs(1000);
    }
  }
  await store.flush();
}

test('maxUse drops the oldest sealed segments first', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { maxUse: '40KiB', maxFileSize: '8KiB' });
  try {
    await fill(store, 1000);
    const usage = store.usage();
    assert.ok(usage.bytes <= 40 * 1024 + 8 * 1024, `usage ${usage.bytes}`);
    assert.is(dirBytes(dir.path), usage.bytes);
    const left = await messages(store);
    assert.is(left[left.length - 1], 'm999');
    assert.ok(left.length < 1000);
    // what is left is a contiguous tail
    const first = Number(left[0]!.slice(1));
    assert.equal(left, Array.from({ length: 1000 - first }, (_, i) => `m${first + i}`));
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('maxFileSize bounds each segment', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path, { maxFileSize: '8KiB' });
  try {
    await fill(store, 500);
    const segs = readdirSync(dir.path).filter((n) => n.endsWith('.jseg'));
    assert.ok(segs.length >= 6);
    for (const s of segs) assert.ok(statSync(path.join(dir.path, s)).size <= 8 * 1024, s);
    assert.is((await messages(store)).length, 500);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('maxRetention drops segments whose newest entry is too old', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore(dir.path, { maxFileSize: '8KiB', maxRetention: '1h' }, { clock, retentionCheckMs: 10 });
  try {
    await fill(store, 300, clock);
    const before = store.usage().entries;
    clock.advanceMs(2 * 3600_000);
    await store.rotate();
    await store.append({ MESSAGE: 'fresh' });
    await store.flush();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(store.usage().entries < before);
    assert.equal(await messages(store), ['fresh']);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('keepFree drops sealed segments while the disk is short', async () => {
  const dir = tempDir();
  let free = 10 * 1024 * 1024;
  const store = await openStore(dir.path, { maxFileSize: '8KiB', keepFree: '1MiB' }, { freeBytes: async () => free });
  try {
    await fill(store, 300);
    const files = store.usage().files;
    assert.ok(files > 3);
    free = 1024 * 1024 - 10 * 1024;
    await store.rotate();
    await store.append({ MESSAGE: 'x' });
    await store.flush();
    await store.rotate();
    assert.ok(store.usage().files < files, `${store.usage().files} < ${files}`);
    assert.is((await messages(store, { lines: 1 }))[0], 'x');
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('vacuum by size and by time, never the active segment', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const store = await openStore(dir.path, { maxFileSize: '8KiB' }, { clock });
  try {
    await fill(store, 400, clock);
    const total = store.usage().bytes;
    const bySize = await store.vacuum({ size: Math.floor(total / 2) });
    assert.ok(bySize.removedFiles > 0);
    assert.ok(store.usage().bytes <= Math.floor(total / 2));
    assert.is(total - store.usage().bytes, bySize.freedBytes);
    clock.advanceMs(3600_000);
    await store.rotate();
    await store.append({ MESSAGE: 'new' });
    await store.flush();
    const byTime = await store.vacuum({ time: 60_000 });
    assert.ok(byTime.removedFiles > 0);
    assert.equal(await messages(store), ['new']);
    assert.equal(await store.vacuum({ size: 0 }), { removedFiles: 0, freedBytes: 0 });
    assert.is(store.usage().files, 1);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('segmentsToDrop applies each limit oldest first', () => {
  const segs = [
    { diskBytes: 100, maxRt: 10 },
    { diskBytes: 100, maxRt: 20 },
    { diskBytes: 100, maxRt: 30 },
  ];
  const none = { maxUse: Infinity, keepFree: 0, maxAgeUs: 0 };
  assert.is(segmentsToDrop(segs, 400, 0, 100, none), 0);
  assert.is(segmentsToDrop(segs, 400, 0, 100, { ...none, maxUse: 250 }), 2);
  assert.is(segmentsToDrop(segs, 400, 50, 100, { ...none, keepFree: 150 }), 1);
  assert.is(segmentsToDrop(segs, 400, 0, 100, { ...none, maxAgeUs: 75 }), 2);
  assert.is(segmentsToDrop(segs, 400, 0, 100, { ...none, maxUse: 0 }), 3);
});

test.run();
