// Shared pieces for the benchmarks in bench/: building the CLI when it is stale, starting and
// stopping child processes by their PID, waiting for an HTTP 200, driving load with autocannon and
// printing tables. Only loopback addresses; every loop has a bound; nothing here asserts on figures.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants, existsSync, rmSync } from 'node:fs';
import { access, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOOPBACK = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// Knobs

/** A positive number (or zero, with `zero`) from the environment, or the default when unset or empty. */
export function envNumber(name: string, fallback: number, { integer = false, zero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero) || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}=${raw}: expected a ${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

/** The environment less FLOTILLA_* and ETCD_* settings, so every process runs on its config and defaults alone. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(FLOTILLA|ETCD)_/i.test(key)));
}

// ---------------------------------------------------------------------------------------------
// Build

const SOURCE_DIRS = ['core', 'cli', 'plugins'];

async function* tsSources(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsSources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/**
 * The first source under core/, cli/ or plugins/ whose compiled file in dist/ is missing, or with
 * `orOlder` also one that is older than its source.
 */
async function staleSource(orOlder: boolean): Promise<string | undefined> {
  for (const dir of SOURCE_DIRS) {
    const base = path.join(ROOT, dir);
    if (!existsSync(base)) continue;
    for await (const source of tsSources(base)) {
      const relative = path.relative(ROOT, source);
      const compiled = path.join(ROOT, 'dist', relative.replace(/\.ts$/, '.js'));
      const [src, out] = await Promise.all([stat(source), stat(compiled).catch(() => undefined)]);
      if (!out || (orOlder && out.mtimeMs < src.mtimeMs)) return relative;
    }
  }
  return undefined;
}

/** Runs `npm run build` when dist/ is missing or older than the sources; says what it did. */
export async function ensureBuilt(): Promise<'up to date' | 'built'> {
  const stale = await staleSource(true);
  if (!stale) return 'up to date';
  process.stderr.write(`bench: dist/ is missing or older than ${stale}; running npm run build\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal ?? result.error?.message})`);
  // tsc builds incrementally: a source touched without a change keeps its older output, which is
  // current. Only a missing output is a failed build.
  const missing = await staleSource(false);
  if (missing) throw new Error(`after npm run build, dist/ has no output for ${missing}; remove dist/.tsbuildinfo and run again`);
  return 'built';
}

// ---------------------------------------------------------------------------------------------
// Ports, temporary directories

/** A TCP port on loopback that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const tempDirs = new Set<string>();

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `flotilla-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  tempDirs.clear();
}

/** The same for an 'exit' handler, which cannot wait. */
export function removeTempDirsSync(): void {
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  tempDirs.clear();
}

// ---------------------------------------------------------------------------------------------
// Child processes, each stopped by the PID it was started with

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  readonly label: string;
  readonly pid: number;
  /** performance.now() just before spawn. */
  readonly spawnedAt: number;
  readonly exited: Promise<Exit>;
  /** When the process exited, as performance.now(); undefined while it runs. */
  exitedAt?: number;
  /** performance.now() when stderr first contained `marker`, if one was given. */
  markerAt?: number;
  /** The last few kilobytes of stderr, for error messages. */
  stderrTail(): string;
}

const live = new Map<number, ChildProcess>();
const STDERR_TAIL = 16 * 1024;

export function startChild(label: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; marker?: string } = {}): Child {
  const spawnedAt = performance.now();
  const proc = spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`${label}: could not start ${command}`);
  const pid = proc.pid;
  live.set(pid, proc);
  let tail = '';
  const child: Child = {
    label,
    pid,
    spawnedAt,
    exited: new Promise<Exit>((resolve, reject) => {
      proc.once('error', (error) => {
        live.delete(pid);
        reject(new Error(`${label}: ${error.message}`));
      });
      proc.once('exit', (code, signal) => {
        child.exitedAt = performance.now();
        live.delete(pid);
        resolve({ code, signal });
      });
    }),
    stderrTail: () => tail,
  };
  child.exited.catch(() => undefined);
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL);
    if (options.marker && child.markerAt === undefined && tail.includes(options.marker)) child.markerAt = performance.now();
  });
  return child;
}

/**
 * Sends `signal` to the child's PID and waits for it to exit; after `timeoutMs` it gets SIGKILL.
 * Returns how long the exit took from the signal, and how it exited.
 */
export async function stopChild(child: Child, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<Exit & { ms: number; killed: boolean }> {
  if (child.exitedAt !== undefined) return { ...(await child.exited), ms: 0, killed: false };
  const sentAt = performance.now();
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already gone between the check and the signal: the exit event tells how.
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const first = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (first === 'timeout') {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // exited just now
    }
    const exit = await child.exited;
    return { ...exit, ms: performance.now() - sentAt, killed: true };
  }
  return { ...first, ms: (child.exitedAt ?? performance.now()) - sentAt, killed: false };
}

/** SIGKILL for every child still running, by the PID it was started with. Synchronous for 'exit'. */
export function killLiveChildren(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** One GET on loopback without keep-alive; resolves the status code, or undefined on any error. */
export function probe(port: number, urlPath: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: LOOPBACK, port, path: urlPath, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
      res.once('error', () => resolve(undefined));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls GET `urlPath` every `intervalMs` until it answers 200; returns performance.now() of that
 * answer. Fails when the child exits first or `deadlineMs` after the child was spawned.
 */
export async function waitFor200(child: Child, port: number, urlPath: string, { deadlineMs = 30_000, intervalMs = 5 } = {}): Promise<number> {
  const deadline = child.spawnedAt + deadlineMs;
  while (performance.now() < deadline) {
    if (child.exitedAt !== undefined) {
      const exit = await child.exited;
      throw new Error(`${child.label} exited (code ${exit.code}, signal ${exit.signal}) before ${urlPath} answered 200:\n${child.stderrTail()}`);
    }
    const status = await probe(port, urlPath);
    if (status === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${child.label}: ${urlPath} did not answer 200 within ${deadlineMs} ms:\n${child.stderrTail()}`);
}

// ---------------------------------------------------------------------------------------------
// Load

export interface LoadOptions {
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Unmeasured seconds before, on the same target. */
  warmup: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Latency of 2xx answers in milliseconds, from autocannon's per-request timings. */
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
}

/** Keeps at most this many latency samples; far more than one loopback run on a small machine makes. */
const MAX_SAMPLES = 5_000_000;

function cannon(options: autocannon.Options, onLatency?: (ms: number, status: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)));
    if (onLatency) instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onLatency(ms, status));
  });
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Keep-alive GET load on one URL: a warm-up, then the measured run. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const common = { url, connections: options.connections, pipelining: 1, timeout: 10 };
  if (options.warmup > 0) await cannon({ ...common, duration: options.warmup });
  const samples: number[] = [];
  const result = await cannon({ ...common, duration: options.duration }, (ms, status) => {
    if (status >= 200 && status < 300 && samples.length < MAX_SAMPLES) samples.push(ms);
  });
  const sorted = Float64Array.from(samples).sort();
  const seconds = result.duration > 0 ? result.duration : options.duration;
  return {
    requestsPerSecond: result['2xx'] / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Figures and tables

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table; columns after the first are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The executable `command` on PATH, if there is one. */
export async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
