import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Snapshot } from '../../../plugins/raft-kv/raft/types.js';
import { SnapshotStore } from '../../../plugins/raft-kv/wal/snapshot-store.js';
import { tempDir } from '../../support/temp-dir.js';

const test = suite('raft-kv: snapshot store');

function snapshot(index: number, term = 1, text = `state at ${index}`): Snapshot {
  return { meta: { index, term, conf: { voters: ['a', 'b', 'c'], learners: ['d'] } }, data: new TextEncoder().encode(text) };
}

function capture(): { log: { warn(obj: object, msg: string): void }; warnings: Array<{ obj: Record<string, unknown>; msg: string }> } {
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { warnings, log: { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) } };
}

async function withDir(work: (dir: string) => Promise<void>): Promise<void> {
  const temp = tempDir('flotilla-snap-');
  try {
    await work(path.join(temp.path, 'snap'));
  } finally {
    temp.cleanup();
  }
}

function snapFiles(dir: string): string[] {
  return readdirSync(dir).filter((file) => file.endsWith('.snap')).sort();
}

function assertSnapshot(actual: Snapshot | undefined, expected: Snapshot): void {
  assert.ok(actual, 'expected a snapshot');
  assert.equal(actual.meta, expected.meta);
  assert.equal(Array.from(actual.data), Array.from(expected.data));
}

test('a missing or empty directory has no snapshot', () =>
  withDir(async (dir) => {
    assert.is(await new SnapshotStore(dir).loadNewest(), undefined);
    await new SnapshotStore(dir).purge();
  }));

test('save then loadNewest round-trips meta and data, leaving no temp file', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const saved: Snapshot = { meta: { index: 42, term: 7, conf: { voters: ['a'], learners: [] } }, data: big };
    await store.save(saved);
    assertSnapshot(await new SnapshotStore(dir).loadNewest(), saved);
    assert.equal(readdirSync(dir), ['000000000000002a-0000000000000007.snap']);
  }));

test('an empty snapshot round-trips', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    const empty: Snapshot = { meta: { index: 1, term: 1, conf: { voters: [], learners: [] } }, data: new Uint8Array(0) };
    await store.save(empty);
    assertSnapshot(await store.loadNewest(), empty);
  }));

test('loadNewest returns the highest index', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    for (const index of [300, 20, 1000, 5]) await store.save(snapshot(index, index === 1000 ? 4 : 2));
    assertSnapshot(await store.loadNewest(), snapshot(1000, 4));
  }));

const damages: Array<[string, (file: string) => void]> = [
  ['a flipped data byte', (file) => {
    const bytes = readFileSync(file);
    bytes[bytes.length - 6] ^= 0x01;
    writeFileSync(file, bytes);
  }],
  ['a truncated file', (file) => truncateSync(file, readFileSync(file).length - 3)],
  ['an empty file', (file) => truncateSync(file, 0)],
  ['a file under the wrong name', (file) => writeFileSync(file, readFileSync(file.replace('00000000000000c8', '0000000000000064')))],
];

for (const [name, damage] of damages) {
  test(`a corrupt newest snapshot (${name}) is set aside as .broken and the older one used`, () =>
    withDir(async (dir) => {
      const store = new SnapshotStore(dir, capture().log);
      await store.save(snapshot(100));
      await store.save(snapshot(200));
      const newest = path.join(dir, snapFiles(dir).at(-1)!);
      damage(newest);
      const log = capture();
      const loaded = await new SnapshotStore(dir, log.log).loadNewest();
      assertSnapshot(loaded, snapshot(100));
      assert.is(log.warnings.length, 1);
      assert.is(log.warnings[0]!.obj.file, newest);
      assert.ok(existsSync(`${newest}.broken`));
      assert.not.ok(existsSync(newest));
    }));
}

test('when every snapshot is corrupt, loadNewest returns undefined', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    await store.save(snapshot(1));
    await store.save(snapshot(2));
    for (const file of snapFiles(dir)) truncateSync(path.join(dir, file), 10);
    const log = capture();
    assert.is(await new SnapshotStore(dir, log.log).loadNewest(), undefined);
    assert.is(log.warnings.length, 2);
  }));

test('a temp file left by an interrupted save is ignored, then purged', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    await store.save(snapshot(10));
    writeFileSync(path.join(dir, '0000000000000063-0000000000000001.snap.tmp'), 'half a snapshot');
    assertSnapshot(await store.loadNewest(), snapshot(10));
    await store.purge();
    assert.equal(readdirSync(dir), ['000000000000000a-0000000000000001.snap']);
  }));

test('purge keeps the newest five by default, or the number asked for', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    for (let index = 1; index <= 8; index++) await store.save(snapshot(index * 10));
    await store.purge();
    assert.equal(snapFiles(dir).map((file) => Number.parseInt(file.slice(0, 16), 16)), [40, 50, 60, 70, 80]);
    await store.purge(2);
    assert.equal(snapFiles(dir).map((file) => Number.parseInt(file.slice(0, 16), 16)), [70, 80]);
    assertSnapshot(await store.loadNewest(), snapshot(80));
  }));

test('concurrent saves and a purge serialize', () =>
  withDir(async (dir) => {
    const store = new SnapshotStore(dir);
    await Promise.all([store.save(snapshot(1)), store.save(snapshot(2)), store.save(snapshot(3)), store.purge(1), store.save(snapshot(4))]);
    assert.equal(snapFiles(dir).length, 2);
    assertSnapshot(await store.loadNewest(), snapshot(4));
  }));

test.run();
