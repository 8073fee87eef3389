// API host benchmark: drives the built CLI as a user would (`flotilla up` in a child process) and
// measures cold start, graceful stop, and keep-alive load on GET /health and GET /version, next to a
// bare node:http server answering the same JSON (and etcd's GET /version when an etcd binary is on
// PATH). Knobs: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (32), BENCH_WARMUP (s, 2),
// BENCH_RUNS (5). It prints figures and never asserts on them: the machines it runs on are noisy.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Child, cleanEnv, ensureBuilt, envNumber, findOnPath, fmt, freePort, load, type LoadOptions, type LoadResult, LOOPBACK, median, removeTempDirs, ROOT, startChild, stopChild, table, tempDir, waitFor200 } from './lib/harness.js';

export const description = 'cold start, graceful stop and keep-alive load on /health and /version, against a bare node:http anchor';

const CLI = path.join(ROOT, 'cli', 'bin', 'run.js');
const ANCHOR = path.join(ROOT, 'bench', 'lib', 'anchor-server.mjs');
const UP_MARKER = 'is up; API at';
const PATHS = ['/health', '/version'] as const;

interface StartStop {
  readyMs: number;
  /** Spawn to the "is up" line on stderr, where the target prints one. */
  markerMs?: number;
  stopMs: number;
  exit: string;
}

interface LoadRow {
  target: string;
  path: string;
  result?: LoadResult;
  note?: string;
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null; killed: boolean }): string {
  if (exit.killed) return `killed after timeout (${exit.signal ?? exit.code})`;
  return exit.signal ? `signal ${exit.signal}` : String(exit.code);
}

function startFlotilla(port: number, dataDir: string): Child {
  const args = [CLI, 'up', '--api-port', String(port), '--data-dir', dataDir, '--log-level', 'warn'];
  return startChild('flotilla up', process.execPath, args, { env: cleanEnv(), marker: UP_MARKER });
}

function startAnchor(port: number, version: string): Child {
  return startChild('anchor (node:http)', process.execPath, [ANCHOR, String(port), version], { env: cleanEnv() });
}

/** Start a fresh target, wait for the first 200, SIGINT it and wait for it to exit. */
async function startStop(start: (port: number) => Promise<Child>): Promise<StartStop> {
  const port = await freePort();
  const child = await start(port);
  try {
    const readyAt = await waitFor200(child, port, '/health');
    const stopped = await stopChild(child, 'SIGINT');
    return {
      readyMs: readyAt - child.spawnedAt,
      ...(child.markerAt !== undefined ? { markerMs: child.markerAt - child.spawnedAt } : {}),
      stopMs: stopped.ms,
      exit: describeExit(stopped),
    };
  } finally {
    await stopChild(child, 'SIGKILL', 5000);
  }
}


/** Load every path on a running target; the target is SIGINT/SIGTERM-ed by PID afterwards by the caller. */
async function loadTarget(target: string, port: number, paths: readonly string[], options: LoadOptions): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  for (const urlPath of paths) {
    process.stderr.write(`bench: load ${target} GET ${urlPath} (${options.warmup} s warm-up + ${options.duration} s, ${options.connections} connections)\n`);
    rows.push({ target, path: urlPath, result: await load(`http://${LOOPBACK}:${port}${urlPath}`, options) });
  }
  return rows;
}

async function measureEtcd(binary: string, options: LoadOptions): Promise<{ rows: LoadRow[]; stop?: string; readyMs?: number }> {
  const [clientPort, peerPort, dataDir] = await Promise.all([freePort(), freePort(), tempDir('etcd')]);
  const client = `http://${LOOPBACK}:${clientPort}`;
  const peer = `http://${LOOPBACK}:${peerPort}`;
  const args = [
    '--name', 'bench',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`,
    '--log-level', 'warn',
  ];
  const child = startChild('etcd', binary, args, { env: cleanEnv() });
  try {
    let readyAt: number;
    try {
      readyAt = await waitFor200(child, clientPort, '/version');
    } catch (error) {
      const first = (error as Error).message.split('\n')[0] ?? '';
      return { rows: [{ target: 'etcd', path: '/version', note: `did not start: ${first}` }] };
    }
    const rows = await loadTarget('etcd', clientPort, ['/version'], options);
    const stopped = await stopChild(child, 'SIGTERM');
    return { rows, readyMs: readyAt - child.spawnedAt, stop: `${fmt(stopped.ms)} ms, exit ${describeExit(stopped)}` };
  } finally {
    await stopChild(child, 'SIGKILL', 5000);
  }
}

function summarise(label: string, runs: StartStop[]): string[][] {
  const rows: string[][] = [];
  const ready = runs.map((run) => run.readyMs);
  rows.push([`${label}: spawn -> first 200 /health`, fmt(median(ready)), fmt(Math.max(...ready)), ready.map((ms) => fmt(ms)).join(' ')]);
  const markers = runs.flatMap((run) => (run.markerMs === undefined ? [] : [run.markerMs]));
  if (markers.length > 0) {
    rows.push([`${label}: spawn -> "is up" on stderr`, fmt(median(markers)), fmt(Math.max(...markers)), markers.map((ms) => fmt(ms)).join(' ')]);
  }
  const stops = runs.map((run) => run.stopMs);
  rows.push([`${label}: SIGINT -> exit`, fmt(median(stops)), fmt(Math.max(...stops)), stops.map((ms) => fmt(ms)).join(' ')]);
  rows.push([`${label}: exit codes after SIGINT`, '', '', runs.map((run) => run.exit).join(' ')]);
  return rows;
}

function loadRows(rows: LoadRow[], connections: number): string[][] {
  return rows.flatMap(({ target, path: urlPath, result }) =>
    result
      ? [
          [
            target,
            urlPath,
            String(connections),
            fmt(result.requestsPerSecond),
            fmt(result.p50, 2),
            fmt(result.p99, 2),
            fmt(result.ok),
            String(result.non2xx + result.errors + result.timeouts),
          ],
        ]
      : [],
  );
}

function loadNotes(rows: LoadRow[]): string[] {
  return rows.flatMap(({ target, path: urlPath, result, note }) => (result ? [] : [`${target} GET ${urlPath}: ${note ?? 'skipped'}`]));
}

function ratioRows(flotilla: LoadRow[], anchor: LoadRow[], anchorName: string): string[][] {
  const rows: string[][] = [];
  for (const mine of flotilla) {
    const theirs = anchor.find((row) => row.path === mine.path);
    if (!mine.result || !theirs?.result) continue;
    rows.push([
      `flotilla / ${anchorName}`,
      mine.path,
      `${fmt(mine.result.requestsPerSecond / theirs.result.requestsPerSecond, 2)}x`,
      `${fmt(mine.result.p99 / theirs.result.p99, 2)}x`,
    ]);
  }
  return rows;
}

export async function run(): Promise<void> {
  const runs = envNumber('BENCH_RUNS', 5, { integer: true });
  const options: LoadOptions = {
    duration: envNumber('BENCH_DURATION', 10),
    connections: envNumber('BENCH_CONNECTIONS', 32, { integer: true }),
    warmup: envNumber('BENCH_WARMUP', 2),
  };
  const build = await ensureBuilt();
  const version = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const began = performance.now();

  try {
    // 1 + 2: cold start and graceful stop, each run on a fresh data directory and port.
    const flotillaRuns: StartStop[] = [];
    for (let i = 1; i <= runs; i++) {
      const result = await startStop(async (port) => startFlotilla(port, await tempDir('node')));
      flotillaRuns.push(result);
      process.stderr.write(`bench: flotilla start/stop ${i}/${runs}: ready ${fmt(result.readyMs)} ms, stop ${fmt(result.stopMs)} ms, exit ${result.exit}\n`);
    }
    const anchorRuns: StartStop[] = [];
    for (let i = 1; i <= runs; i++) anchorRuns.push(await startStop(async (port) => startAnchor(port, version)));

    // 3: keep-alive load on a node that stays up, then how long it takes to stop right after.
    const port = await freePort();
    const node = startFlotilla(port, await tempDir('node'));
    let flotillaLoad: LoadRow[];
    let stopAfterLoad: string;
    try {
      await waitFor200(node, port, '/health');
      flotillaLoad = await loadTarget('flotilla', port, PATHS, options);
      const stopped = await stopChild(node, 'SIGINT');
      stopAfterLoad = `${fmt(stopped.ms)} ms, exit ${describeExit(stopped)}`;
    } finally {
      await stopChild(node, 'SIGKILL', 5000);
    }

    // 4: the anchors, measured the same way.
    const anchorPort = await freePort();
    const anchor = startAnchor(anchorPort, version);
    let anchorLoad: LoadRow[];
    try {
      await waitFor200(anchor, anchorPort, '/health');
      anchorLoad = await loadTarget('anchor node:http', anchorPort, PATHS, options);
      await stopChild(anchor, 'SIGINT');
    } finally {
      await stopChild(anchor, 'SIGKILL', 5000);
    }

    const etcdBinary = await findOnPath('etcd');
    const etcd = etcdBinary
      ? await measureEtcd(etcdBinary, options)
      : { rows: [{ target: 'etcd', path: '/version', note: 'skipped: no etcd on PATH' }] as LoadRow[] };

    // Report.
    const cpus = os.cpus();
    const out = [
      '',
      `API host benchmark — flotilla ${version}, ${new Date().toISOString().slice(0, 10)}`,
      `machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}, node ${process.version}; dist ${build}`,
      `load: autocannon, ${options.connections} keep-alive connections, ${options.warmup} s warm-up + ${options.duration} s per row, loopback; latencies of 2xx answers`,
      '',
      `Start and stop (${runs} runs, fresh data dir each; ms)`,
      table(['', 'median', 'max', 'runs'], [...summarise('flotilla', flotillaRuns), ...summarise('anchor node:http', anchorRuns)]),
      `flotilla: SIGINT -> exit right after the load below: ${stopAfterLoad}`,
      ...(etcd.readyMs !== undefined ? [`etcd: spawn -> first 200 /version ${fmt(etcd.readyMs)} ms; SIGTERM -> exit ${etcd.stop}`] : []),
      '',
      'Keep-alive GET load',
      table(['target', 'path', 'conns', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'failed'], loadRows([...flotillaLoad, ...anchorLoad, ...etcd.rows], options.connections)),
      ...loadNotes(etcd.rows),
      '',
      'Flotilla relative to the anchors (req/s: higher is better; p99: lower is better)',
      table(['', 'path', 'req/s', 'p99'], [...ratioRows(flotillaLoad, anchorLoad, 'node:http'), ...ratioRows(flotillaLoad, etcd.rows, 'etcd')]),
      '',
      `total ${fmt((performance.now() - began) / 1000, 1)} s`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    await removeTempDirs();
  }
}
