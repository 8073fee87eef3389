// The closed-loop client of the key/value benchmark, the same for every store it drives: each
// client is one keep-alive HTTP connection (node:http Agent with one socket) doing one request at a
// time, timed with performance.now(). Only loopback; every loop ends at a deadline.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LOOPBACK, percentile } from './harness.js';

/** 100 bytes, safe in a form body without escaping. */
export const VALUE = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 100);
const PUT_BODY = `value=${VALUE}`;
const EXPECTED_VALUE = `"value":"${VALUE}"`;
const REQUEST_TIMEOUT_MS = 10_000;
/** Pause after a failed request, so a refused connection does not spin. */
const ERROR_PAUSE_MS = 5;

export interface Reply {
  status: number;
  body: string;
}

export interface Req {
  method: 'GET' | 'PUT';
  path: string;
  body?: string;
}

/** One request; rejects on a socket error or after `timeoutMs` without progress. */
export function send(agent: Agent | false, port: number, req: Req, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (req.body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(req.body);
    }
    const out = request({ host: LOOPBACK, port, method: req.method, path: req.path, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
      res.once('aborted', () => reject(new Error('response aborted')));
    });
    out.setTimeout(timeoutMs, () => out.destroy(new Error('timeout')));
    out.once('error', reject);
    out.end(req.body);
  });
}

/** GET a JSON document without keep-alive; undefined on any error or a status other than 200. */
export async function getJson(port: number, path: string, timeoutMs = 2000): Promise<unknown> {
  try {
    const reply = await send(false, port, { method: 'GET', path }, timeoutMs);
    return reply.status === 200 ? (JSON.parse(reply.body) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export type Op = 'PUT' | 'GET';

export interface Workload {
  op: Op;
  /** The request for a client's n-th operation. */
  request(client: number, n: number): Req;
  /** Why a reply is not a success, or undefined when it is. */
  problem(reply: Reply): string | undefined;
}

/** PUT of VALUE to distinct keys `/v2/keys/<dir>/<client>-<n>`; `next` keeps each client's n across runs. */
export function putWorkload(dir: string, next: number[]): Workload {
  return {
    op: 'PUT',
    request(client) {
      const n = next[client] ?? 0;
      next[client] = n + 1;
      return { method: 'PUT', path: `/v2/keys/${dir}/${client}-${n}`, body: PUT_BODY };
    },
    problem: (reply) => (reply.status === 201 || reply.status === 200 ? undefined : httpProblem(reply)),
  };
}

/** GET of one of `keys` preloaded keys `/v2/keys/<dir>/<i>`, each client walking them from its own offset. */
export function getWorkload(dir: string, keys: number, query: string): Workload {
  return {
    op: 'GET',
    request: (client, n) => ({ method: 'GET', path: `/v2/keys/${dir}/${(client * 7919 + n) % keys}${query}` }),
    problem(reply) {
      if (reply.status !== 200) return httpProblem(reply);
      return reply.body.includes(EXPECTED_VALUE) ? undefined : 'unexpected body';
    },
  };
}

export function preloadRequest(dir: string, i: number): Req {
  return { method: 'PUT', path: `/v2/keys/${dir}/${i}`, body: PUT_BODY };
}

function httpProblem(reply: Reply): string {
  let detail = reply.body.slice(0, 120).trim();
  try {
    const parsed = JSON.parse(reply.body) as { message?: unknown; cause?: unknown };
    if (typeof parsed.message === 'string') detail = `${parsed.message}${typeof parsed.cause === 'string' ? ` (${parsed.cause})` : ''}`;
  } catch {
    // not JSON: keep the raw start
  }
  return `HTTP ${reply.status} ${detail}`;
}

function errorKind(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(error);
}

export class ErrorTally {
  readonly kinds = new Map<string, number>();
  total = 0;
  add(kind: string): void {
    this.total++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }
  describe(): string {
    return [...this.kinds].map(([kind, count]) => `${count}× ${kind}`).join('; ');
  }
}

export interface WindowResult {
  ops: number;
  seconds: number;
  /** Latencies of the successes completed in the window, ms, sorted. */
  latencies: Float64Array;
  errors: ErrorTally;
  warmupErrors: ErrorTally;
  /** Successes during the warm-up. */
  warmupOps: number;
  /** Successes at any time, including those completed after the window closed. */
  totalOk: number;
  /** CPU time of this process during the window, as a share of one core. */
  generatorCpu: number;
}

export interface WindowHooks {
  /** Called when the measured window opens and closes; returns nothing, must be quick. */
  onOpen?(): void;
  onClose?(): void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `clients` closed-loop clients run `workload` for `warmupMs`, then for `measureMs` more, without a
 * break between the two. A request counts in the window when it completes inside it.
 */
export async function closedLoop(
  port: number,
  clients: number,
  workload: Workload,
  warmupMs: number,
  measureMs: number,
  hooks: WindowHooks = {},
): Promise<WindowResult> {
  const start = performance.now();
  const open = start + warmupMs;
  const close = open + measureMs;
  const latencies: number[] = [];
  const errors = new ErrorTally();
  const warmupErrors = new ErrorTally();
  let warmupOps = 0;
  let totalOk = 0;
  let cpuAtOpen: NodeJS.CpuUsage | undefined;
  let cpuAtClose: NodeJS.CpuUsage | undefined;
  let openedAt = open;
  let closedAt = close;
  const openTimer = setTimeout(() => {
    openedAt = performance.now();
    cpuAtOpen = process.cpuUsage();
    hooks.onOpen?.();
  }, Math.max(0, open - performance.now()));
  const closeTimer = setTimeout(() => {
    closedAt = performance.now();
    cpuAtClose = process.cpuUsage(cpuAtOpen);
    hooks.onClose?.();
  }, Math.max(0, close - performance.now()));

  const client = async (id: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let n = 0; performance.now() < close; n++) {
        const req = workload.request(id, n);
        const sent = performance.now();
        let problem: string | undefined;
        try {
          problem = workload.problem(await send(agent, port, req));
        } catch (error) {
          problem = errorKind(error);
        }
        const done = performance.now();
        const measured = done >= open && done <= close;
        if (problem === undefined) {
          totalOk++;
          if (measured) latencies.push(done - sent);
          else if (done < open) warmupOps++;
        } else {
          if (measured) errors.add(problem);
          else if (done < open) warmupErrors.add(problem);
          await pause(ERROR_PAUSE_MS);
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, id) => client(id)));
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (!cpuAtClose) {
    closedAt = performance.now();
    cpuAtClose = process.cpuUsage(cpuAtOpen);
    hooks.onClose?.();
  }
  const cpuSeconds = Math.max(1e-3, (closedAt - openedAt) / 1000);
  return {
    ops: latencies.length,
    seconds: measureMs / 1000,
    latencies: Float64Array.from(latencies).sort(),
    errors,
    warmupErrors,
    warmupOps,
    totalOk,
    generatorCpu: (cpuAtClose.user + cpuAtClose.system) / 1e6 / cpuSeconds,
  };
}

export interface FillResult {
  ok: number;
  seconds: number;
  errors: ErrorTally;
  /** Keys given up on after their retries failed, or not reached before the deadline. */
  missing: number;
  /** Latencies of the successful PUTs, ms. */
  p99: number;
  max: number;
}

/**
 * Writes `count` distinct keys `/v2/keys/<dir>/<i>` with `clients` closed-loop clients; a failed key
 * is retried up to twice. Stops at `deadlineMs` whatever is left.
 */
export async function fill(port: number, clients: number, dir: string, count: number, deadlineMs: number): Promise<FillResult> {
  const start = performance.now();
  const deadline = start + deadlineMs;
  const errors = new ErrorTally();
  const retries: { i: number; tries: number }[] = [];
  let next = 0;
  let ok = 0;
  const latencies: number[] = [];
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (performance.now() < deadline) {
        const job = retries.shift() ?? (next < count ? { i: next++, tries: 0 } : undefined);
        if (!job) break;
        let problem: string | undefined;
        const sent = performance.now();
        try {
          const reply = await send(agent, port, preloadRequest(dir, job.i));
          problem = reply.status === 200 || reply.status === 201 ? undefined : httpProblem(reply);
        } catch (error) {
          problem = errorKind(error);
        }
        if (problem === undefined) {
          ok++;
          latencies.push(performance.now() - sent);
          continue;
        }
        errors.add(problem);
        if (job.tries < 2) retries.push({ i: job.i, tries: job.tries + 1 });
        await pause(ERROR_PAUSE_MS);
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: clients }, () => client()));
  const sorted = Float64Array.from(latencies).sort();
  return { ok, seconds: (performance.now() - start) / 1000, errors, missing: count - ok, p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}
