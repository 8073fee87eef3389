// Journal benchmark: drives JournalStore in-process.
//   1. Ingest: 100-byte messages from 10 units appended in batches of 1000, final flush included,
//      after an unmeasured warm-up run of 100,000 entries.
//   2. Queries on a journal of BENCH_JOURNAL_ENTRIES entries (64 MiB segments) whose timestamps
//      span the last 24 hours: `-u X -n 100` and `--since -1h -p err`, median and p99 over repeated
//      runs, plus the first queries after reopening the store (index loading, page cache warm).
//   3. Follow latency: entries appended one at a time while a follow is open, append → delivery.
//   4. Anchor in the same run: the same entries as text lines in one file, `grep UNIT FILE | tail -n 100`.
// Knobs: BENCH_JOURNAL_ENTRIES (default 10,000,000, or fewer when building that would take more
// than about two minutes here; the count used is printed), BENCH_JOURNAL_INGEST (default 500,000),
// BENCH_JOURNAL_QUERY_RUNS (default 50), BENCH_JOURNAL_GREP_RUNS (default 7),
// BENCH_JOURNAL_FOLLOW (entries per follow row, default 500). Prints figures, asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../core/index.js';
import type { JournalFields, JournalQuery } from '../core/index.js';
import { journalConfigSchema, type JournalConfig } from '../plugins/journal/config.js';
import { JournalStore, type JournalClock } from '../plugins/journal/store/journal-store.js';
import { envNumber, fmt, median, percentile, removeTempDirs, table, tempDir } from './lib/harness.js';

export const description = 'journal ingest, -u/-n and --since/-p queries on a large journal, follow latency, against grep | tail';

const UNITS = Array.from({ length: 10 }, (_, u) => `app-${u}.service`);
const QUERY_UNIT = UNITS[3]!;
const BATCH = 1000;
const MESSAGE_BYTES = 100;
const DEFAULT_ENTRIES = 10_000_000;
const BUILD_BUDGET_S = 120;
const SPAN_US = 24 * 3600 * 1e6;
const IDENTITY = { machineId: 'a'.repeat(32), bootId: 'b'.repeat(32), hostname: 'bench-node' };

const TARGETS = {
  ingest: 200_000,
  unitQueryMs: 20,
  followP99Ms: 20,
};

function benchConfig(overrides: Record<string, unknown> = {}): JournalConfig {
  // No rate limit, no size or free-space retention: every appended entry is kept.
  return journalConfigSchema.parse({ maxFileSize: '64MiB', maxUse: 2 ** 50, keepFree: 0, rateLimitInterval: 0, ...overrides });
}

function message(i: number): string {
  const head = `GET /api/v1/items/${i} status=${i % 7 === 0 ? 404 : 200} took=${i % 250}ms user=u${i % 997} `;
  return head.length >= MESSAGE_BYTES ? head.slice(0, MESSAGE_BYTES) : head + '.'.repeat(MESSAGE_BYTES - head.length);
}

function priority(i: number): string {
  if (i % 100 === 0) return '3';
  if (i % 10 === 0) return '4';
  return '6';
}

function entry(i: number): JournalFields {
  const u = i % UNITS.length;
  return { MESSAGE: message(i), PRIORITY: priority(i), _SYSTEMD_UNIT: UNITS[u]!, SYSLOG_IDENTIFIER: `app-${u}`, _PID: String(1000 + u) };
}

function batchOf(first: number, count: number): JournalFields[] {
  const out = new Array<JournalFields>(count);
  for (let k = 0; k < count; k++) out[k] = entry(first + k);
  return out;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function openStore(dir: string, config: JournalConfig, clock?: JournalClock): Promise<JournalStore> {
  return JournalStore.open(dir, config, IDENTITY, silentLogger(), clock ? { clock } : {});
}

// ---------------------------------------------------------------------------------------------
// 1. Ingest

interface Ingest {
  entries: number;
  seconds: number;
  diskBytes: number;
}

async function ingest(count: number): Promise<Ingest> {
  const dir = await tempDir('journal-ingest');
  const store = await openStore(dir, benchConfig());
  // Built before the clock starts: what is timed is the journal's work, not making test data.
  const batches: JournalFields[][] = [];
  for (let first = 0; first < count; first += BATCH) batches.push(batchOf(first, Math.min(BATCH, count - first)));
  const start = performance.now();
  for (const batch of batches) {
    await store.append(batch);
    // A producer reading from sockets or pipes returns to the event loop between reads.
    await yieldToLoop();
  }
  await store.flush();
  const seconds = (performance.now() - start) / 1000;
  const diskBytes = store.usage().bytes;
  await store.close();
  return { entries: count, seconds, diskBytes };
}

// ---------------------------------------------------------------------------------------------
// 2. Build the large journal and the anchor's text file

/** Realtime spread evenly over the 24 hours before `end`, one step per entry. */
class SpreadClock implements JournalClock {
  private calls = 0;
  constructor(
    private readonly startUs: number,
    private readonly stepUs: number,
  ) {}
  realtimeUs(): number {
    return Math.floor(this.startUs + this.stepUs * this.calls++);
  }
  monotonicUs(): number {
    return Number(process.hrtime.bigint() / 1000n);
  }
}

interface Built {
  dir: string;
  textFile: string;
  entries: number;
  seconds: number;
  journalBytes: number;
  textBytes: number;
  segments: number;
}

async function build(count: number): Promise<Built> {
  const dir = path.join(await tempDir('journal-big'), 'journal');
  const textFile = path.join(await tempDir('journal-text'), 'journal.txt');
  const endUs = Date.now() * 1000;
  const stepUs = SPAN_US / count;
  const startUs = endUs - SPAN_US;
  const store = await openStore(dir, benchConfig(), new SpreadClock(startUs, stepUs));
  const fd = openSync(textFile, 'w');
  let textBytes = 0;
  const start = performance.now();
  let reported = start;
  try {
    for (let first = 0; first < count; first += BATCH) {
      const batch = batchOf(first, Math.min(BATCH, count - first));
      await store.append(batch);
      let text = '';
      for (let k = 0; k < batch.length; k++) {
        const fields = batch[k]!;
        const iso = new Date(Math.floor((startUs + stepUs * (first + k)) / 1000)).toISOString();
        text += `${iso} ${fields._SYSTEMD_UNIT} ${fields.MESSAGE}\n`;
      }
      textBytes += writeSync(fd, text);
      await yieldToLoop();
      const now = performance.now();
      if (now - reported > 15_000) {
        reported = now;
        process.stderr.write(`bench: journal build ${fmt(first + batch.length)} / ${fmt(count)} entries, ${fmt((now - start) / 1000)} s\n`);
      }
    }
    await store.flush();
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - start) / 1000;
  const usage = store.usage();
  await store.close();
  return { dir, textFile, entries: count, seconds, journalBytes: usage.bytes, textBytes, segments: usage.files };
}

// ---------------------------------------------------------------------------------------------
// Queries

const unitQuery = (): JournalQuery => ({ units: [QUERY_UNIT], lines: 100 });
const recentErrors = (): JournalQuery => ({ since: new Date(Date.now() - 3600_000), priority: { max: 3 } });

async function timeQuery(store: JournalStore, query: JournalQuery): Promise<{ ms: number; rows: number }> {
  const start = performance.now();
  let rows = 0;
  for await (const _ of store.query(query)) rows++;
  return { ms: performance.now() - start, rows };
}

interface Timed {
  median: number;
  p99: number;
  rows: number;
  runs: number;
}

async function repeat(runs: number, once: () => Promise<{ ms: number; rows: number }>): Promise<Timed> {
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const result = await once();
    samples.push(result.ms);
    rows = result.rows;
  }
  return { median: median(samples), p99: percentile(Float64Array.from(samples).sort(), 99), rows, runs };
}

interface QueryResults {
  openMs: number;
  coldUnit: { ms: number; rows: number };
  coldSince: { ms: number; rows: number };
  unit: Timed;
  since: Timed;
}

async function queries(dir: string, runs: number): Promise<QueryResults> {
  const openStart = performance.now();
  const store = await openStore(dir, benchConfig());
  const openMs = performance.now() - openStart;
  try {
    const coldUnit = await timeQuery(store, unitQuery());
    const coldSince = await timeQuery(store, recentErrors());
    const unit = await repeat(runs, () => timeQuery(store, unitQuery()));
    const since = await repeat(runs, () => timeQuery(store, recentErrors()));
    return { openMs, coldUnit, coldSince, unit, since };
  } finally {
    await store.close();
  }
}

/** `grep PATTERN FILE | tail -n 100` as two spawned processes joined by a pipe; no shell. */
function grepTail(pattern: string, file: string): Promise<{ ms: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const grep = spawn('grep', ['--', pattern, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tail = spawn('tail', ['-n', '100'], { stdio: ['pipe', 'pipe', 'inherit'] });
    grep.stdout.pipe(tail.stdin);
    tail.stdin.on('error', () => undefined);
    let out = '';
    tail.stdout.setEncoding('utf8');
    tail.stdout.on('data', (chunk: string) => (out += chunk));
    let grepCode: number | null = null;
    grep.once('error', reject);
    tail.once('error', reject);
    const grepDone = new Promise<void>((done) => grep.once('close', (code) => ((grepCode = code), done())));
    tail.once('close', (code) => {
      void grepDone.then(() => {
        const ms = performance.now() - start;
        if (code !== 0 || grepCode !== 0) reject(new Error(`grep | tail failed: grep ${grepCode}, tail ${code}`));
        else resolve({ ms, rows: out.split('\n').filter((line) => line.length > 0).length });
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Follow latency

interface FollowResult {
  label: string;
  delivered: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
}

async function followLatency(label: string, count: number, config: JournalConfig, flushEach: boolean): Promise<FollowResult> {
  const dir = await tempDir('journal-follow');
  const store = await openStore(dir, config);
  const controller = new AbortController();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let resolveAll!: () => void;
  const allDelivered = new Promise<void>((resolve) => (resolveAll = resolve));
  const reader = (async () => {
    for await (const delivered of store.follow({ units: [QUERY_UNIT], lines: 0 }, controller.signal)) {
      const at = performance.now();
      const id = delivered.fields.MESSAGE ?? '';
      const sent = sentAt.get(id);
      if (sent !== undefined) {
        latencies.push(at - sent);
        sentAt.delete(id);
      }
      if (latencies.length >= count) resolveAll();
    }
  })();
  // Let the follow finish its initial (empty) query before writing.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const base = 50_000_000;
  for (let i = 0; i < count; i++) {
    const fields = { ...entry(base + i * UNITS.length + 3), MESSAGE: `follow ${label} ${i} `.padEnd(MESSAGE_BYTES, '.') };
    sentAt.set(fields.MESSAGE, performance.now());
    await store.append(fields);
    if (flushEach) await store.flush();
    // One entry every 2-8 ms, not in step with the flush timer.
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.floor(Math.random() * 7)));
  }
  await Promise.race([allDelivered, new Promise((resolve) => setTimeout(resolve, 5000))]);
  controller.abort();
  await store.close();
  await reader.catch(() => undefined);
  const sorted = Float64Array.from(latencies).sort();
  return { label, delivered: latencies.length, sent: count, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

// ---------------------------------------------------------------------------------------------

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

export async function run(): Promise<void> {
  const ingestCount = envNumber('BENCH_JOURNAL_INGEST', 500_000, { integer: true });
  const queryRuns = envNumber('BENCH_JOURNAL_QUERY_RUNS', 50, { integer: true });
  const grepRuns = envNumber('BENCH_JOURNAL_GREP_RUNS', 7, { integer: true });
  const followCount = envNumber('BENCH_JOURNAL_FOLLOW', 500, { integer: true });
  const explicitEntries = process.env.BENCH_JOURNAL_ENTRIES !== undefined && process.env.BENCH_JOURNAL_ENTRIES.trim() !== '';
  const out: string[] = [''];
  try {
    process.stderr.write(`bench: journal ingest of ${fmt(ingestCount)} entries\n`);
    // A node ingests for its whole life: warm the code paths up first, as in any steady state.
    await ingest(Math.min(100_000, ingestCount));
    const ing = await ingest(ingestCount);
    const ingestRate = ing.entries / ing.seconds;

    let entries = envNumber('BENCH_JOURNAL_ENTRIES', DEFAULT_ENTRIES, { integer: true });
    let sizeNote = `BENCH_JOURNAL_ENTRIES=${fmt(entries)}`;
    if (!explicitEntries) {
      const buildRate = ingestRate;
      const projected = DEFAULT_ENTRIES / buildRate;
      if (projected > BUILD_BUDGET_S) {
        entries = Math.max(100_000, Math.floor((buildRate * BUILD_BUDGET_S) / 100_000) * 100_000);
        sizeNote = `default ${fmt(DEFAULT_ENTRIES)} would take about ${fmt(projected)} s to build here; using ${fmt(entries)} entries (about ${BUILD_BUDGET_S} s)`;
      } else {
        sizeNote = `default ${fmt(DEFAULT_ENTRIES)} entries`;
      }
    }
    process.stderr.write(`bench: journal size: ${sizeNote}\n`);
    const built = await build(entries);

    process.stderr.write(`bench: journal queries (${queryRuns} runs each) on ${fmt(built.entries)} entries in ${built.segments} files\n`);
    const q = await queries(built.dir, queryRuns);

    process.stderr.write(`bench: grep | tail over ${fmt(built.textBytes / 1e6)} MB (${grepRuns} runs)\n`);
    await grepTail(QUERY_UNIT, built.textFile);
    const grep = await repeat(grepRuns, () => grepTail(QUERY_UNIT, built.textFile));

    // The follow rows measure the journal, not the kernel writing back the gigabytes this benchmark
    // has just written: the large journal and the text file go, and the disk is left to settle.
    rmSync(built.dir, { recursive: true, force: true });
    rmSync(built.textFile, { force: true });
    const settleStart = performance.now();
    execFileSync('sync');
    const settleMs = performance.now() - settleStart;
    process.stderr.write(`bench: journal follow latency (${followCount} entries per row), after a sync of ${fmt(settleMs)} ms\n`);
    const follows = [
      await followLatency('append() only, flushInterval 100ms (default)', followCount, benchConfig(), false),
      await followLatency('append() then flush()', followCount, benchConfig(), true),
    ];

    const ratio = q.unit.median / grep.median;
    const followDefault = follows[0]!;
    out.push(
      `Journal store, in-process: ${fmt(built.entries)} entries (${sizeNote})`,
      '',
      'Ingest (batches of 1000, 10 units, 100-byte MESSAGE, final flush included)',
      table(
        ['entries', 'seconds', 'entries/s', 'MESSAGE MB/s', 'on-disk MB/s', 'on-disk bytes/entry'],
        [[fmt(ing.entries), fmt(ing.seconds, 2), fmt(ingestRate), fmt((ing.entries * MESSAGE_BYTES) / 1e6 / ing.seconds, 1), fmt(ing.diskBytes / 1e6 / ing.seconds, 1), fmt(ing.diskBytes / ing.entries)]],
      ),
      '',
      `Journal built for queries: ${fmt(built.entries)} entries in ${fmt(built.seconds, 1)} s (with the text file), ${built.segments} files, ${fmt(built.journalBytes / 1e6)} MB; text file ${fmt(built.textBytes / 1e6)} MB`,
      '',
      `Queries (ms; ${queryRuns} warm runs each; cold = first query after reopening, page cache warm)`,
      table(
        ['query', 'rows', 'median', 'p99', 'cold first'],
        [
          [`-u ${QUERY_UNIT} -n 100`, String(q.unit.rows), fmt(q.unit.median, 2), fmt(q.unit.p99, 2), fmt(q.coldUnit.ms, 2)],
          ['--since -1h -p err', fmt(q.since.rows), fmt(q.since.median, 2), fmt(q.since.p99, 2), fmt(q.coldSince.ms, 2)],
          [`grep ${QUERY_UNIT} FILE | tail -n 100 (${grepRuns} runs)`, String(grep.rows), fmt(grep.median, 2), fmt(grep.p99, 2), '-'],
        ],
      ),
      `JournalStore.open() on ${built.segments} files: ${fmt(q.openMs, 2)} ms; open + first -u query: ${fmt(q.openMs + q.coldUnit.ms, 2)} ms`,
      `journal -u -n 100 / grep|tail (medians): ${ratio.toPrecision(2)}x (${fmt(1 / ratio, 0)} times faster)`,
      '',
      'Follow: append → delivery to an open follow (ms), entries one at a time every 2-8 ms',
      table(
        ['writer', 'delivered', 'p50', 'p99', 'max'],
        follows.map((f) => [f.label, `${f.delivered}/${f.sent}`, fmt(f.p50, 2), fmt(f.p99, 2), fmt(f.max, 2)]),
      ),
      '',
      'Targets',
      table(
        ['target', 'measured', ''],
        [
          [`ingest >= ${fmt(TARGETS.ingest)} entries/s`, fmt(ingestRate), verdict(ingestRate >= TARGETS.ingest)],
          [
            `-u X -n 100 < ${TARGETS.unitQueryMs} ms on 10M entries`,
            `${fmt(q.unit.median, 2)} ms median, ${fmt(q.unit.p99, 2)} p99 on ${fmt(built.entries)}`,
            built.entries < DEFAULT_ENTRIES ? `${verdict(q.unit.p99 < TARGETS.unitQueryMs)} (at ${fmt(built.entries)})` : verdict(q.unit.p99 < TARGETS.unitQueryMs),
          ],
          ['-u X -n 100 faster than grep | tail', `${ratio.toPrecision(2)}x`, verdict(ratio < 1)],
          [`follow p99 < ${TARGETS.followP99Ms} ms (default config)`, `${fmt(followDefault.p99, 2)} ms`, verdict(followDefault.p99 < TARGETS.followP99Ms)],
        ],
      ),
      '',
    );
  } finally {
    await removeTempDirs();
  }
  process.stdout.write(out.join('\n'));
}
