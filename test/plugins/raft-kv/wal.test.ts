import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry, HardState } from '../../../plugins/raft-kv/raft/types.js';
import { WalCorruptionError, WalUnusableError, WalUsageError } from '../../../plugins/raft-kv/wal/errors.js';
import { Wal, type WalOptions } from '../../../plugins/raft-kv/wal/wal.js';
import { rejects } from '../../support/rejects.js';
import { tempDir } from '../../support/temp-dir.js';

const test = suite('raft-kv: WAL');

const META = JSON.stringify({ memberId: '8e9e05c52164694d', clusterId: 'cdf818194e3a8c32' });

function entry(index: number, term = 1, data = `value-${index}`): Entry {
  return { index, term, type: 'normal', data };
}

function range(from: number, to: number, term = 1): Entry[] {
  const entries: Entry[] = [];
  for (let index = from; index <= to; index++) entries.push(entry(index, term));
  return entries;
}

function hs(term: number, commit: number, vote: string | null = null): HardState {
  return { term, vote, commit };
}

interface Warning {
  obj: Record<string, unknown>;
  msg: string;
}

function capture(): { log: NonNullable<WalOptions['log']>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { warnings, log: { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) } };
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((file) => file.endsWith('.wal')).sort();
}

function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = bytes[offset]! ^ 0xff;
  writeFileSync(file, bytes);
}

/** A dir for one test; removed afterwards even when the test fails. */
async function withDir(work: (dir: string) => Promise<void>): Promise<void> {
  const temp = tempDir('flotilla-wal-');
  try {
    await work(path.join(temp.path, 'wal'));
  } finally {
    temp.cleanup();
  }
}

test('exists() is false for a missing or empty directory, true once created', () =>
  withDir(async (dir) => {
    assert.is(await Wal.exists(dir), false);
    const wal = await Wal.create(dir, META);
    assert.is(await Wal.exists(dir), true);
    await wal.close();
    await rejects(() => Wal.create(dir, META), WalUsageError);
    rmSync(dir, { recursive: true });
    writeFileSync(path.join(path.dirname(dir), 'placeholder'), '');
    assert.is(await Wal.exists(path.dirname(dir)), false, 'a directory without segments');
  }));

test('a zero-length segment file is no WAL, and create() replaces it', () =>
  withDir(async (dir) => {
    await (await Wal.create(dir, META)).close();
    const [file] = segmentFiles(dir);
    truncateSync(path.join(dir, file!), 0);
    assert.is(await Wal.exists(dir), false);
    await rejects(() => Wal.open(dir), WalUsageError);
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, [entry(1)]);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, [entry(1)]);
    await reopened.close();
  }));

test('metadata, hard states, entries and snapshot markers round-trip', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    await wal.save(hs(1, 0, 'aaaaaaaaaaaaaaaa'), [entry(1, 1, ''), { index: 2, term: 1, type: 'conf', data: '{"type":"addNode","node":"b"}' }]);
    await wal.save(undefined, [entry(3, 1, 'unicode: ünïcødé ✓ 𝄞'), entry(4, 1, '{"op":"set","key":"/a","value":"1","time":1}')]);
    await wal.save(hs(2, 3, null), []);
    await wal.saveSnapshotMarker({ index: 2, term: 1, conf: { voters: ['a', 'b'], learners: ['c'] } });
    await wal.save(undefined, [entry(5, 2)]);
    await wal.close();

    const { wal: reopened, contents } = await Wal.open(dir);
    assert.is(contents.metadata, META);
    assert.equal(contents.hardState, hs(2, 3, null));
    assert.equal(contents.snapshot, { index: 2, term: 1, conf: { voters: ['a', 'b'], learners: ['c'] } });
    assert.equal(contents.entries, [entry(3, 1, 'unicode: ünïcødé ✓ 𝄞'), entry(4, 1, '{"op":"set","key":"/a","value":"1","time":1}'), entry(5, 2)]);
    await reopened.close();
  }));

test('a fresh WAL opens with an empty log and a zero hard state', () =>
  withDir(async (dir) => {
    await (await Wal.create(dir, META)).close();
    const { wal, contents } = await Wal.open(dir);
    assert.equal(contents, { metadata: META, hardState: hs(0, 0), entries: [] });
    await wal.close();
  }));

test('a later entry at an existing index replaces the conflicting suffix', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    await wal.save(hs(1, 3), range(1, 10, 1));
    await wal.save(hs(2, 3), range(6, 8, 2));
    await wal.save(undefined, [entry(9, 2, 'after')]);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, [...range(1, 5, 1), ...range(6, 8, 2), entry(9, 2, 'after')]);
    assert.equal(contents.hardState, hs(2, 3));
    await reopened.close();
  }));

test('save() of 1000 entries is one write and exactly one fsync (group commit)', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    const before = wal.stats;
    await wal.save(hs(1, 0), range(1, 1000).map((e) => ({ ...e, data: 'd'.repeat(100) })));
    const after = wal.stats;
    assert.is(after.fsyncs, before.fsyncs + 1);
    assert.ok(after.bytesWritten - before.bytesWritten > 1000 * 100);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.is(contents.entries.length, 1000);
    assert.is(contents.entries[999]!.index, 1000);
    await reopened.close();
  }));

test('concurrent save() calls are written in call order, one fsync each', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    const before = wal.stats.fsyncs;
    await Promise.all(range(1, 50).map((e) => wal.save(hs(1, e.index), [e])));
    assert.is(wal.stats.fsyncs, before + 50);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, range(1, 50));
    assert.equal(contents.hardState, hs(1, 50));
    await reopened.close();
  }));

test('save() refuses a batch that would leave a gap, and the WAL stays usable', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, range(1, 3));
    await rejects(() => wal.save(undefined, [entry(5)]), WalUsageError);
    await rejects(() => wal.save(undefined, [entry(4), entry(6)]), WalUsageError);
    await wal.save(undefined, [entry(4)]);
    await wal.close();
    await rejects(() => wal.save(undefined, [entry(5)]), WalUnusableError);
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, range(1, 4));
    await reopened.close();
  }));

/** A WAL of three saves; returns the byte offset of each save's record in the single segment. */
async function threeSaves(dir: string): Promise<{ file: string; offsets: number[] }> {
  const wal = await Wal.create(dir, META);
  const offsets: number[] = [];
  for (const batch of [range(1, 3), range(4, 6), range(7, 9)]) {
    offsets.push(wal.stats.bytesWritten);
    await wal.save(hs(1, batch[0]!.index), batch);
  }
  await wal.close();
  const [file] = segmentFiles(dir);
  return { file: path.join(dir, file!), offsets };
}

const tornTails: Array<[string, (file: string, lastOffset: number) => void]> = [
  ['a payload cut short', (file) => truncateSync(file, readFileSync(file).length - 5)],
  ['a header cut short', (file, lastOffset) => truncateSync(file, lastOffset + 3)],
  ['a bad checksum on the last record', (file) => flipByte(file, readFileSync(file).length - 2)],
  ['zeros in place of the last record', (file, lastOffset) => {
    const bytes = readFileSync(file);
    bytes.fill(0, lastOffset);
    writeFileSync(file, bytes);
  }],
];

for (const [name, damage] of tornTails) {
  test(`a torn last record (${name}) is truncated with a warning; later appends survive`, () =>
    withDir(async (dir) => {
      const { file, offsets } = await threeSaves(dir);
      damage(file, offsets[2]!);
      const first = capture();
      const { wal, contents } = await Wal.open(dir, { log: first.log });
      assert.equal(contents.entries, range(1, 6));
      assert.equal(contents.hardState, hs(1, 4));
      assert.is(first.warnings.length, 1);
      assert.is(first.warnings[0]!.obj.file, file);
      assert.is(first.warnings[0]!.obj.offset, offsets[2]);
      assert.is(readFileSync(file).length, offsets[2]);
      await wal.save(hs(2, 7), [entry(7, 2), entry(8, 2)]);
      await wal.close();

      const second = capture();
      const { wal: again, contents: reread } = await Wal.open(dir, { log: second.log });
      assert.equal(reread.entries, [...range(1, 6), entry(7, 2), entry(8, 2)]);
      assert.equal(reread.hardState, hs(2, 7));
      assert.is(second.warnings.length, 0);
      await again.close();
    }));
}

test('garbage appended after the last record is truncated', () =>
  withDir(async (dir) => {
    const { file } = await threeSaves(dir);
    const size = readFileSync(file).length;
    appendFileSync(file, Buffer.from([0x30, 0x00, 0x00, 0x00, 0xde, 0xad]));
    const log = capture();
    const { wal, contents } = await Wal.open(dir, { log: log.log });
    assert.equal(contents.entries, range(1, 9));
    assert.is(log.warnings[0]!.obj.offset, size);
    await wal.close();
  }));

const midLog: Array<[string, number]> = [
  ['payload', 8 + 5],
  ['checksum field', 5],
  ['length field', 1],
];

for (const [where, delta] of midLog) {
  test(`a damaged ${where} before the tail refuses to open, naming file and offset`, () =>
    withDir(async (dir) => {
      const { file, offsets } = await threeSaves(dir);
      flipByte(file, offsets[1]! + delta);
      const error = await rejects(() => Wal.open(dir, { log: capture().log }), WalCorruptionError);
      assert.is(error.file, file);
      assert.is(error.offset, offsets[1]);
      assert.ok(error.message.includes(file), error.message);
      assert.ok(error.message.includes(`offset ${offsets[1]}`), error.message);
    }));
}

test('two records swapped before the tail fail the checksum chain', () =>
  withDir(async (dir) => {
    const { file, offsets } = await threeSaves(dir);
    const bytes = readFileSync(file);
    const first = Buffer.from(bytes.subarray(offsets[0], offsets[1]));
    const second = Buffer.from(bytes.subarray(offsets[1], offsets[2]));
    assert.is(first.length, second.length);
    second.copy(bytes, offsets[0]);
    first.copy(bytes, offsets[1]);
    writeFileSync(file, bytes);
    const error = await rejects(() => Wal.open(dir, { log: capture().log }), WalCorruptionError);
    assert.is(error.offset, offsets[0]);
  }));

/** Many small saves over 600-byte segments. */
async function manySegments(dir: string, count = 100, options: WalOptions = {}): Promise<Wal> {
  const wal = await Wal.create(dir, META, { segmentBytes: 600, ...options });
  for (let index = 1; index <= count; index++) await wal.save(hs(1, index), [entry(index)]);
  return wal;
}

test('a damaged record in a non-last segment refuses to open, even at that segment\'s end', () =>
  withDir(async (dir) => {
    await (await manySegments(dir)).close();
    const files = segmentFiles(dir);
    assert.ok(files.length >= 3);
    const victim = path.join(dir, files[1]!);
    flipByte(victim, readFileSync(victim).length - 1);
    const error = await rejects(() => Wal.open(dir, { log: capture().log }), WalCorruptionError);
    assert.is(error.file, victim);
    assert.ok(error.message.includes(victim), error.message);
    assert.match(error.message, /offset \d+/);
  }));

test('a missing middle segment refuses to open', () =>
  withDir(async (dir) => {
    await (await manySegments(dir)).close();
    const files = segmentFiles(dir);
    unlinkSync(path.join(dir, files[1]!));
    const error = await rejects(() => Wal.open(dir), WalCorruptionError);
    assert.is(error.file, path.join(dir, files[2]!));
  }));

test('segments rotate past segmentBytes, named by sequence and first index', () =>
  withDir(async (dir) => {
    const wal = await manySegments(dir);
    const files = segmentFiles(dir);
    assert.is(wal.stats.segments, files.length);
    assert.ok(files.length >= 5, `only ${files.length} segments`);
    const names = files.map((file) => /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/.exec(file)!);
    names.forEach((match, i) => assert.is(Number.parseInt(match[1]!, 16), i));
    assert.is(Number.parseInt(names[0]![2]!, 16), 1);
    for (let i = 1; i < names.length; i++) assert.ok(Number.parseInt(names[i]![2]!, 16) > Number.parseInt(names[i - 1]![2]!, 16));
    for (const file of files.slice(0, -1)) assert.ok(readFileSync(path.join(dir, file)).length >= 600);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, range(1, 100));
    assert.equal(contents.hardState, hs(1, 100));
    await reopened.close();
  }));

test('releaseTo() deletes whole segments below the snapshot marker; replay still works', () =>
  withDir(async (dir) => {
    const wal = await manySegments(dir);
    const before = segmentFiles(dir);
    await wal.releaseTo(60);
    assert.equal(segmentFiles(dir), before, 'nothing is released past the latest snapshot marker');

    const marker = { index: 60, term: 1, conf: { voters: ['a'], learners: [] } };
    await wal.saveSnapshotMarker(marker);
    await wal.releaseTo(60);
    const after = segmentFiles(dir);
    assert.ok(after.length < before.length);
    assert.is(wal.stats.segments, after.length);
    assert.ok(Number.parseInt(after[0]!.slice(17, 33), 16) <= 61, `${after[0]} must still hold index 61`);

    await wal.releaseTo(10_000);
    assert.ok(segmentFiles(dir).length >= 1);
    for (let index = 101; index <= 120; index++) await wal.save(hs(2, index), [entry(index, 2)]);
    await wal.close();

    const { wal: reopened, contents } = await Wal.open(dir);
    assert.is(contents.metadata, META);
    assert.equal(contents.snapshot, marker);
    assert.equal(contents.entries, [...range(61, 100, 1), ...range(101, 120, 2)]);
    assert.equal(contents.hardState, hs(2, 120));
    await reopened.close();
  }));

test('releaseTo() never deletes the newest segment', () =>
  withDir(async (dir) => {
    const wal = await manySegments(dir);
    await wal.saveSnapshotMarker({ index: 100, term: 1, conf: { voters: ['a'], learners: [] } });
    await wal.releaseTo(100);
    assert.is(segmentFiles(dir).length, 1);
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.equal(contents.entries, []);
    assert.is(contents.snapshot?.index, 100);
    assert.equal(contents.hardState, hs(1, 100));
    await reopened.close();
  }));

test('a snapshot marker past the log (installed from a leader) restarts the log after it', () =>
  withDir(async (dir) => {
    const wal = await Wal.create(dir, META);
    await wal.save(hs(1, 5), range(1, 10));
    await wal.saveSnapshotMarker({ index: 50, term: 3, conf: { voters: ['a', 'b', 'c'], learners: [] } });
    await wal.save(hs(3, 50), range(51, 55, 3));
    await wal.close();
    const { wal: reopened, contents } = await Wal.open(dir);
    assert.is(contents.snapshot?.index, 50);
    assert.equal(contents.entries, range(51, 55, 3));
    await reopened.close();
  }));

test('a last segment with no intact record is removed with a warning', () =>
  withDir(async (dir) => {
    const wal = await manySegments(dir, 30);
    await wal.close();
    const files = segmentFiles(dir);
    const sequence = files.length;
    const stray = path.join(dir, `${sequence.toString(16).padStart(16, '0')}-${(31).toString(16).padStart(16, '0')}.wal`);
    writeFileSync(stray, Buffer.from([9, 0, 0]));
    const log = capture();
    const { wal: reopened, contents } = await Wal.open(dir, { log: log.log });
    assert.equal(contents.entries, range(1, 30));
    assert.is(log.warnings.length, 1);
    assert.is(log.warnings[0]!.obj.file, stray);
    assert.equal(segmentFiles(dir), files);
    await reopened.save(undefined, [entry(31)]);
    await reopened.close();
    const { wal: third, contents: again } = await Wal.open(dir);
    assert.equal(again.entries, range(1, 31));
    await third.close();
  }));

// A real crash: a child process appends until SIGKILL; every save it saw resolve must be on disk.
const CRASH_WRITER = fileURLToPath(new URL(`../../fixtures/wal-crash-writer${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function crashEntryData(index: number): string {
  return `entry-${index}-${'x'.repeat(index % 97)}`;
}

async function runUntilKilled(dir: string, acksBeforeKill: number): Promise<{ ready: number; lastAck: number; stderr: string }> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', CRASH_WRITER, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let acks = 0;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const safety = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    acks += (String(chunk).match(/^ack /gm) ?? []).length;
    if (acks >= acksBeforeKill) child.kill('SIGKILL');
  });
  try {
    await exited;
  } finally {
    clearTimeout(safety);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const ready = /^ready (\d+)$/m.exec(stdout);
  assert.ok(ready, `the writer did not start: ${stderr}`);
  const acked = [...stdout.matchAll(/^ack (\d+)$/gm)].map((match) => Number(match[1]));
  assert.ok(acked.length > 0, `the writer acknowledged nothing: ${stderr}`);
  return { ready: Number(ready[1]), lastAck: acked.at(-1)!, stderr };
}

test('SIGKILL at a random moment loses no acknowledged entry', () =>
  withDir(async (dir) => {
    let acknowledged = 0;
    for (let round = 0; round < 3; round++) {
      const { ready, lastAck } = await runUntilKilled(dir, 1 + Math.floor(Math.random() * 150));
      assert.ok(ready >= acknowledged, `round ${round}: restarted at ${ready}, below acknowledged ${acknowledged}`);
      acknowledged = lastAck;

      const { wal, contents } = await Wal.open(dir, { log: capture().log });
      const last = contents.entries.at(-1)?.index ?? 0;
      assert.ok(last >= acknowledged, `round ${round}: log ends at ${last}, acknowledged ${acknowledged}`);
      contents.entries.forEach((e, i) => {
        assert.is(e.index, i + 1);
        assert.is(e.data, crashEntryData(e.index));
      });
      assert.ok(contents.hardState.commit >= acknowledged);
      await wal.close();
    }
  }));

test.run();
