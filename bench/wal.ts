// WAL benchmark: save() throughput and latency for batches of 1, 16 and 256 entries of 100-byte
// data, next to an anchor in the same run: a bare fs.writeSync + fs.fdatasyncSync loop writing the
// same number of bytes per iteration to a file in the same temp dir. The two alternate in short
// rounds so drift in the disk's speed hits both alike. Also the in-memory encode rate.
// Knobs: BENCH_WAL_SECONDS (per target and batch size, default 3), BENCH_WAL_ROUNDS (default 6).
// Prints figures, asserts nothing.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Entry, HardState } from '../plugins/raft-kv/raft/types.js';
import { RecordEncoder } from '../plugins/raft-kv/wal/wal-record.js';
import { Wal } from '../plugins/raft-kv/wal/wal.js';
import { envNumber, fmt, percentile, removeTempDirs, table, tempDir } from './lib/harness.js';

export const description = 'WAL save() throughput and latency for 1/16/256-entry batches, against a bare write+fdatasync loop';

const BATCHES = [1, 16, 256] as const;
const DATA = 'v'.repeat(100);
const WARMUP_SAVES = 20;

interface Measured {
  iterations: number;
  seconds: number;
  latencies: Float64Array;
}

interface Row {
  batch: number;
  target: string;
  measured: Measured;
  fsyncs: number;
  bytesPerIteration: number;
}

function batchOf(first: number, size: number): Entry[] {
  const entries: Entry[] = new Array<Entry>(size);
  for (let i = 0; i < size; i++) entries[i] = { index: first + i, term: 1, type: 'normal', data: DATA };
  return entries;
}

async function measure(seconds: number, step: () => Promise<void> | void): Promise<Measured> {
  const samples: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let now = start;
  while (now < deadline) {
    const before = now;
    await step();
    now = performance.now();
    samples.push(now - before);
  }
  return { iterations: samples.length, seconds: (now - start) / 1000, latencies: Float64Array.from(samples).sort() };
}

/** A WAL open for the whole run of one batch size; each round appends more. */
async function walTarget(batch: number): Promise<{ round(seconds: number): Promise<Measured>; close(): Promise<Row> }> {
  const dir = path.join(await tempDir('wal'), 'wal');
  const wal = await Wal.create(dir, JSON.stringify({ memberId: 'bench' }));
  let next = 1;
  const save = async () => {
    const entries = batchOf(next, batch);
    const hardState: HardState = { term: 1, vote: null, commit: next - 1 };
    next += batch;
    await wal.save(hardState, entries);
  };
  for (let i = 0; i < WARMUP_SAVES; i++) await save();
  const before = wal.stats;
  const rounds: Measured[] = [];
  return {
    async round(seconds) {
      const measured = await measure(seconds, save);
      rounds.push(measured);
      return measured;
    },
    async close() {
      const after = wal.stats;
      await wal.close();
      const measured = combine(rounds);
      return {
        batch,
        target: 'Wal.save()',
        measured,
        fsyncs: after.fsyncs - before.fsyncs,
        bytesPerIteration: Math.round((after.bytesWritten - before.bytesWritten) / measured.iterations),
      };
    },
  };
}

async function bareTarget(batch: number, bytes: number): Promise<{ round(seconds: number): Promise<Measured>; close(): Row }> {
  const file = path.join(await tempDir('wal-bare'), 'bare.log');
  const fd = openSync(file, 'w');
  const buffer = Buffer.alloc(bytes, 0x61);
  const step = () => {
    writeSync(fd, buffer);
    fdatasyncSync(fd);
  };
  for (let i = 0; i < WARMUP_SAVES; i++) step();
  const rounds: Measured[] = [];
  return {
    async round(seconds) {
      const measured = await measure(seconds, step);
      rounds.push(measured);
      return measured;
    },
    close() {
      closeSync(fd);
      const measured = combine(rounds);
      return { batch, target: 'bare writeSync+fdatasyncSync', measured, fsyncs: measured.iterations, bytesPerIteration: bytes };
    },
  };
}

function combine(rounds: Measured[]): Measured {
  const latencies = new Float64Array(rounds.reduce((sum, round) => sum + round.latencies.length, 0));
  let at = 0;
  for (const round of rounds) {
    latencies.set(round.latencies, at);
    at += round.latencies.length;
  }
  return {
    iterations: rounds.reduce((sum, round) => sum + round.iterations, 0),
    seconds: rounds.reduce((sum, round) => sum + round.seconds, 0),
    latencies: latencies.sort(),
  };
}

/** What one save() of `batch` entries writes: the anchor writes as much per iteration. */
function recordBytes(batch: number): number {
  const encoder = new RecordEncoder();
  encoder.batch({ term: 1, vote: null, commit: 0 }, batchOf(1, batch), 0);
  return encoder.bytes().length;
}

function encodeRate(batch: number, seconds: number): number {
  const encoder = new RecordEncoder();
  const entries = batchOf(1, batch);
  const hardState: HardState = { term: 1, vote: null, commit: 0 };
  let encoded = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      encoder.reset();
      encoder.batch(hardState, entries, 0);
    }
    encoded += 100 * batch;
  }
  return encoded / seconds;
}

function cells(row: Row): string[] {
  const { measured } = row;
  return [
    String(row.batch),
    row.target,
    fmt(row.fsyncs / measured.seconds),
    fmt((measured.iterations * row.batch) / measured.seconds),
    fmt(percentile(measured.latencies, 50), 3),
    fmt(percentile(measured.latencies, 99), 3),
    fmt(row.bytesPerIteration),
  ];
}

export async function run(): Promise<void> {
  const seconds = envNumber('BENCH_WAL_SECONDS', 3);
  const roundCount = envNumber('BENCH_WAL_ROUNDS', 6, { integer: true });
  const rows: Row[] = [];
  const ratios: string[][] = [];
  try {
    for (const batch of BATCHES) {
      process.stderr.write(`bench: wal batch ${batch} (${seconds} s for the WAL and ${seconds} s for the anchor, in ${roundCount} alternating rounds)\n`);
      const wal = await walTarget(batch);
      const bare = await bareTarget(batch, recordBytes(batch));
      for (let round = 0; round < roundCount; round++) {
        await wal.round(seconds / roundCount);
        await bare.round(seconds / roundCount);
      }
      const walRow = await wal.close();
      const bareRow = bare.close();
      rows.push(walRow, bareRow);
      const walRate = walRow.measured.iterations / walRow.measured.seconds;
      const bareRate = bareRow.measured.iterations / bareRow.measured.seconds;
      const p50 = (row: Row) => percentile(row.measured.latencies, 50);
      ratios.push([String(batch), `${fmt(walRate / bareRate, 2)}x`, `${fmt(p50(walRow) / p50(bareRow), 2)}x`]);
    }
  } finally {
    await removeTempDirs();
  }
  const encode = BATCHES.map((batch) => [String(batch), fmt(encodeRate(batch, Math.min(1, seconds)))]);
  const out = [
    '',
    'WAL save() vs bare write+fdatasync (same bytes per iteration, same run)',
    table(['batch', 'target', 'fsyncs/s', 'entries/s', 'p50 ms', 'p99 ms', 'bytes/save'], rows.map(cells)),
    '',
    table(['batch', 'WAL/bare saves/s', 'WAL/bare p50'], ratios),
    '',
    'In-memory encoding only (RecordEncoder.batch, no I/O)',
    table(['batch', 'entries/s'], encode),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
