// Key/value benchmark: a 3-member Flotilla cluster (raft-kv, etcd's v2 API) next to a 3-member
// etcd 3.4 cluster (--enable-v2) in the same run, both on loopback and both driven through the
// leader by the same closed-loop client (bench/lib/kv-client.ts): PUT of 100-byte values to
// distinct keys and linearizable GET over 1000 preloaded keys (Flotilla: plain GET; etcd:
// ?quorum=true) at 1, 16 and 64 clients, the two systems alternating row by row so drift on the
// machine hits both alike. Then each store is filled up to 100k keys of 100-byte values (the keys
// the rows wrote count) and the peak RSS (VmHWM) of every member is read. Knobs: BENCH_DURATION
// (s, default 10), BENCH_WARMUP (s, 2), BENCH_KV_KEYS (keys in each store for the memory figures,
// 100000). Prints figures, asserts nothing.
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { probeDisk } from './lib/disk-probe.js';
import { ensureBuilt, envNumber, fmt, percentile, removeTempDirs, ROOT, table, tempDir } from './lib/harness.js';
import { closedLoop, fill, getWorkload, type Op, putWorkload, type WindowResult } from './lib/kv-client.js';
import {
  type Cluster,
  clusterCpuMs,
  etcdBinary,
  etcdVersion,
  findLeader,
  type Leader,
  memoryKb,
  startEtcd,
  startFlotilla,
  stopCluster,
  type System,
} from './lib/kv-cluster.js';

export const description = 'PUT and linearizable GET at 1/16/64 clients on 3 members via the leader, and peak RSS at 100k keys, against etcd 3.4';

const CLIENTS = [1, 16, 64] as const;
const OPS: readonly Op[] = ['PUT', 'GET'];
const GET_KEYS = 1000;
const GET_DIR = 'preload';
const PUT_DIR = 'bench';
const FILL_DIR = 'fill';
const FILL_CLIENTS = 64;
const FILL_DEADLINE_MS = 180_000;
const STALL_MS = 1000;

interface Target {
  system: System;
  cluster: Cluster;
  leader: Leader;
  /** Appended to GET paths: what makes a read linearizable on this system. */
  readQuery: string;
  putNext: number[];
  keys: number;
  notes: string[];
  /** Why this system's remaining rows were skipped, once something went wrong. */
  failed?: string;
}

interface Row {
  op: Op;
  clients: number;
  result: WindowResult;
  /** CPU time of the three members during the window, ms. */
  serverCpuMs: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The leader now; a change since the last look goes into the target's notes. */
async function refreshLeader(target: Target, when: string): Promise<Leader> {
  const leader = await findLeader(target.cluster, 20_000);
  if (leader.id !== target.leader.id) {
    target.notes.push(`leader changed ${when}: ${target.leader.member.name} -> ${leader.member.name}`);
    target.leader = leader;
  }
  return leader;
}

async function measure(target: Target, op: Op, clients: number, warmupMs: number, measureMs: number): Promise<Row> {
  const leader = await refreshLeader(target, `before ${op} x${clients}`);
  const workload = op === 'PUT' ? putWorkload(PUT_DIR, target.putNext) : getWorkload(GET_DIR, GET_KEYS, target.readQuery);
  let cpuOpen = 0;
  let cpuClose = 0;
  const result = await closedLoop(leader.member.clientPort, clients, workload, warmupMs, measureMs, {
    onOpen: () => (cpuOpen = clusterCpuMs(target.cluster)),
    onClose: () => (cpuClose = clusterCpuMs(target.cluster)),
  });
  if (op === 'PUT') target.keys += result.totalOk;
  await refreshLeader(target, `during ${op} x${clients}`);
  const errors = result.errors.total + result.warmupErrors.total;
  if (errors > 0) {
    target.notes.push(`${op} x${clients}: ${result.errors.total} errors in the window (${result.errors.describe() || 'none'}), ${result.warmupErrors.total} in the warm-up (${result.warmupErrors.describe() || 'none'})`);
  }
  const max = result.latencies[result.latencies.length - 1] ?? 0;
  if (max >= STALL_MS) target.notes.push(`${op} x${clients}: slowest request took ${fmt(max)} ms`);
  log(
    `bench: ${target.system.padEnd(8)} ${op} x${String(clients).padEnd(2)} ${fmt(result.ops / result.seconds).padStart(6)} ops/s` +
      `  p50 ${fmt(percentile(result.latencies, 50), 2)} ms  p99 ${fmt(percentile(result.latencies, 99), 2)} ms  errors ${errors}`,
  );
  return { op, clients, result, serverCpuMs: cpuClose - cpuOpen };
}

async function preload(target: Target): Promise<void> {
  const result = await fill(target.leader.member.clientPort, 16, GET_DIR, GET_KEYS, 60_000);
  target.keys += result.ok;
  if (result.missing > 0) throw new Error(`${target.system}: preloading ${GET_KEYS} keys left ${result.missing} unwritten (${result.errors.describe()})`);
  if (result.errors.total > 0) target.notes.push(`preload: ${result.errors.total} failed PUTs retried (${result.errors.describe()})`);
}

interface Memory {
  before: { name: string; hwm: number }[];
  after: { name: string; hwm: number; rss: number; leader: boolean }[];
  keys: number;
  ok: number;
  seconds: number;
  missing: number;
  p99: number;
  max: number;
}

/** Fills the store up to `total` keys with FILL_CLIENTS clients, then reads every member's VmHWM. */
async function memoryPhase(target: Target, total: number): Promise<Memory> {
  const leader = await refreshLeader(target, 'before the memory phase');
  const before = target.cluster.members.map((member) => ({ name: member.name, hwm: memoryKb(member.child.pid)?.hwm ?? Number.NaN }));
  const count = Math.max(0, total - target.keys);
  log(`bench: ${target.system}: writing ${fmt(count)} more keys with ${FILL_CLIENTS} clients (store holds ${fmt(target.keys)})`);
  const result = await fill(leader.member.clientPort, FILL_CLIENTS, FILL_DIR, count, FILL_DEADLINE_MS);
  target.keys += result.ok;
  if (result.errors.total > 0) target.notes.push(`memory phase: ${result.errors.total} failed PUTs (${result.errors.describe()})`);
  if (result.missing > 0) target.notes.push(`memory phase: ${result.missing} of ${count} keys not written within ${FILL_DEADLINE_MS / 1000} s`);
  await refreshLeader(target, 'during the memory phase');
  const after = target.cluster.members.map((member) => {
    const memory = memoryKb(member.child.pid);
    return { name: member.name, hwm: memory?.hwm ?? Number.NaN, rss: memory?.rss ?? Number.NaN, leader: member === target.leader.member };
  });
  log(`bench: ${target.system}: ${fmt(result.ok)} keys in ${fmt(result.seconds, 1)} s, store holds ${fmt(target.keys)}; peak RSS ${after.map((m) => `${m.name} ${fmt(m.hwm / 1024)} MiB`).join(', ')}`);
  return { before, after, keys: target.keys, ok: result.ok, seconds: result.seconds, missing: result.missing, p99: result.p99, max: result.max };
}

/** Runs one step for a target unless an earlier one failed; a failure skips its later steps. */
async function guarded<T>(target: Target, step: string, body: () => Promise<T>): Promise<T | undefined> {
  if (target.failed) return undefined;
  try {
    return await body();
  } catch (error) {
    const tails = target.cluster.members
      .filter((member) => member.child.stderrTail().trim() !== '')
      .map((member) => `  ${member.name} stderr: ${member.child.stderrTail().trim().split('\n').slice(-5).join('\n    ')}`);
    target.failed = [`${step}: ${(error as Error).message}`, ...tails].join('\n');
    log(`bench: ${target.system} failed during ${target.failed}; its remaining rows are skipped`);
    return undefined;
  }
}

/** Starts a cluster and waits for an agreed leader; a cluster without one is stopped again. */
async function startTarget(system: System, start: () => Promise<Cluster>, readQuery: string): Promise<{ target: Target; readyMs: number }> {
  const began = performance.now();
  const cluster = await start();
  try {
    const leader = await findLeader(cluster);
    const readyMs = performance.now() - began;
    log(`bench: ${system} cluster up, leader ${leader.member.name}, ${fmt(readyMs)} ms from spawn`);
    return { target: { system, cluster, leader, readQuery, putNext: [], keys: 0, notes: [] }, readyMs };
  } catch (error) {
    await stopCluster(cluster);
    throw error;
  }
}

/** What a member wrote to stderr at warn level and above, beyond its start-up line: a count and the last line. */
function loggedLines(system: System, name: string, tail: string): string[] {
  const lines = tail.split('\n').filter((line) => line.trim() !== '' && !line.includes('is up; API at'));
  if (lines.length === 0) return [];
  return [`log ${system} ${name}: ${lines.length} line(s) in the last ${fmt(tail.length / 1024)} KiB of stderr; last: ${lines.at(-1)!.slice(0, 300)}`];
}

const ms = (value: number) => fmt(value, value < 10 ? 2 : 1);
const ratio = (mine: number, theirs: number) => (Number.isFinite(mine / theirs) && theirs > 0 ? `${fmt(mine / theirs, 2)}x` : '-');
const mib = (kb: number) => fmt(kb / 1024, 1);

function resultCells(row: Row | undefined): string[] {
  if (!row) return ['-', '-', '-', '-'];
  const { result } = row;
  return [fmt(result.ops / result.seconds), ms(percentile(result.latencies, 50)), ms(percentile(result.latencies, 99)), String(result.errors.total)];
}

function cpuCells(row: Row | undefined): string[] {
  if (!row) return ['-', '-', '-', '-'];
  const { result } = row;
  const cores = row.serverCpuMs / 1000 / result.seconds;
  return [fmt(cores, 2), fmt((row.serverCpuMs * 1000) / Math.max(1, result.ops)), fmt(result.generatorCpu, 2), ms(result.latencies[result.latencies.length - 1] ?? Number.NaN)];
}

function memoryRows(system: System, memory: Memory): string[][] {
  return memory.after.map((member, i) => [
    `${system} ${member.name}${member.leader ? ' (leader)' : ''}`,
    mib(memory.before[i]?.hwm ?? Number.NaN),
    mib(member.hwm),
    mib(member.rss),
  ]);
}

export async function run(): Promise<void> {
  const measureMs = envNumber('BENCH_DURATION', 10) * 1000;
  const warmupMs = envNumber('BENCH_WARMUP', 2) * 1000;
  const fillKeys = envNumber('BENCH_KV_KEYS', 100_000, { integer: true });
  const build = await ensureBuilt();
  const version = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const began = performance.now();
  const targets: Target[] = [];
  const stops: string[] = [];
  try {
    const disk = probeDisk(await tempDir('kv-disk'));
    log(`bench: fdatasync of 4 KiB on ${disk.mount} (${disk.fsType}): p50 ${ms(disk.p50)} ms, p99 ${ms(disk.p99)} ms over ${disk.syncs}`);

    const etcd = await etcdBinary(log);
    const flotilla = await startTarget('flotilla', startFlotilla, '');
    targets.push(flotilla.target);
    let etcdReady: number | undefined;
    let etcdNote: string | undefined;
    if ('binary' in etcd) {
      try {
        const started = await startTarget('etcd', () => startEtcd(etcd.binary), '?quorum=true');
        targets.push(started.target);
        etcdReady = started.readyMs;
      } catch (error) {
        etcdNote = `etcd did not start: ${(error as Error).message.split('\n')[0]}`;
        log(`bench: ${etcdNote}`);
      }
    } else {
      etcdNote = `etcd anchor skipped: ${etcd.skipped}`;
      log(`bench: ${etcdNote}`);
    }
    const flotillaReady = flotilla.readyMs;

    // Both clusters idle: what each costs in CPU while the other one is measured.
    const idleBefore = targets.map((target) => clusterCpuMs(target.cluster));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = targets.map((target, i) => `${target.system} ${fmt((clusterCpuMs(target.cluster) - idleBefore[i]!) / 2000, 3)} cores`);

    for (const target of targets) await guarded(target, 'the preload', () => preload(target));

    const rows = new Map<System, Row[]>(targets.map((target) => [target.system, []]));
    for (const op of OPS) {
      for (const clients of CLIENTS) {
        for (const target of targets) {
          const row = await guarded(target, `${op} x${clients}`, () => measure(target, op, clients, warmupMs, measureMs));
          if (row) rows.get(target.system)!.push(row);
        }
      }
    }

    const memory = new Map<System, Memory>();
    for (const target of targets) {
      const result = await guarded(target, 'the memory phase', () => memoryPhase(target, fillKeys));
      if (result) memory.set(target.system, result);
    }

    const logged = targets.flatMap((target) => target.cluster.members.flatMap((member) => loggedLines(target.system, member.name, member.child.stderrTail())));
    const exits = await Promise.all(targets.map((target) => stopCluster(target.cluster)));
    targets.forEach((target, i) => stops.push(`${target.system}: ${exits[i]!.join(', ')}`));

    // Report.
    const find = (system: System, op: Op, clients: number) => rows.get(system)?.find((row) => row.op === op && row.clients === clients);
    const main: string[][] = [];
    const cpu: string[][] = [];
    for (const op of OPS) {
      for (const clients of CLIENTS) {
        const mine = find('flotilla', op, clients);
        const theirs = find('etcd', op, clients);
        const perSecond = (row: Row | undefined) => (row ? row.result.ops / row.result.seconds : Number.NaN);
        const p99 = (row: Row | undefined) => (row ? percentile(row.result.latencies, 99) : Number.NaN);
        main.push([op, String(clients), ...resultCells(mine), ...resultCells(theirs), ratio(perSecond(mine), perSecond(theirs)), ratio(p99(mine), p99(theirs))]);
        cpu.push([op, String(clients), ...cpuCells(mine), ...cpuCells(theirs)]);
      }
    }
    const cpus = os.cpus();
    const flotillaMemory = memory.get('flotilla');
    const etcdMemory = memory.get('etcd');
    const sum = (m: Memory | undefined) => (m ? m.after.reduce((total, member) => total + member.hwm, 0) : Number.NaN);
    const max = (m: Memory | undefined) => (m ? Math.max(...m.after.map((member) => member.hwm)) : Number.NaN);
    const out = [
      '',
      `Key/value benchmark — flotilla ${version}${'binary' in etcd ? ` vs etcd ${etcdVersion(etcd.binary)}` : ''}, ${new Date().toISOString().slice(0, 10)}`,
      `machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}, node ${process.version}; dist ${build}`,
      `disk: ${disk.device} on ${disk.mount} (${disk.fsType}); 4 KiB write + fdatasync p50 ${ms(disk.p50)} ms, p99 ${ms(disk.p99)} ms, max ${ms(disk.max)} ms over ${disk.syncs}`,
      `clusters: 3 members each on loopback, fresh temp data dirs; ready (leader agreed) flotilla ${fmt(flotillaReady)} ms${etcdReady !== undefined ? `, etcd ${fmt(etcdReady)} ms` : ''}; idle CPU ${idle.join(', ')}`,
      `load: closed loop, each client one keep-alive connection with one request at a time, to the leader; ${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured per row; rows alternate between the systems`,
      `  PUT /v2/keys/${PUT_DIR}/<client>-<n> value=<100 bytes> to distinct keys; GET over ${GET_KEYS} preloaded keys, linearizable (flotilla: plain GET; etcd: ?quorum=true)`,
      `caveat: ${os.availableParallelism()} CPUs shared by the load generator (this process), the 6 servers and any other work on the host; compare figures within one run`,
      ...(etcdNote ? [etcdNote] : []),
      '',
      'Throughput and latency (ops/s: successes per second in the window; p50/p99: per-request ms; errors in the window)',
      table(
        ['op', 'clients', 'flotilla ops/s', 'p50', 'p99', 'err', 'etcd ops/s', 'p50', 'p99', 'err', 'ops/s F/E', 'p99 F/E'],
        main,
      ),
      '',
      'CPU (srv cores: the 3 members together; us/op: their CPU per success; gen: this process) and slowest request (ms)',
      table(['op', 'clients', 'F srv cores', 'F us/op', 'F gen', 'F max', 'E srv cores', 'E us/op', 'E gen', 'E max'], cpu),
      '',
      `Memory: each store filled up to ${fmt(fillKeys)} keys of 100-byte values with ${FILL_CLIENTS} clients; VmHWM (peak RSS) per member process (flotilla: node), MiB; "peak before" is VmHWM when the fill began`,
      ...[...memory].map(([system, m]) =>
        m.ok + m.missing === 0
          ? `  ${system}: the store already held about ${fmt(m.keys)} keys`
          : `  ${system}: ${fmt(m.ok)} more keys in ${fmt(m.seconds, 1)} s (${fmt(m.ok / m.seconds)} PUT/s, p99 ${ms(m.p99)} ms, slowest ${ms(m.max)} ms), store then holds about ${fmt(m.keys)} keys${m.missing ? `, ${fmt(m.missing)} not written` : ''}`,
      ),
      table(['member', 'peak before', 'peak after', 'RSS after'], [...memory].flatMap(([system, m]) => memoryRows(system, m))),
      ...(flotillaMemory && etcdMemory
        ? [`peak RSS flotilla / etcd: all 3 members ${ratio(sum(flotillaMemory), sum(etcdMemory))}, largest member ${ratio(max(flotillaMemory), max(etcdMemory))}`]
        : []),
      '',
      ...targets.flatMap((target) => [
        ...(target.failed ? [`FAILED ${target.system}: ${target.failed}`] : []),
        ...target.notes.map((note) => `note ${target.system}: ${note}`),
      ]),
      ...logged,
      ...stops.map((line) => `stop ${line}`),
      `total ${fmt((performance.now() - began) / 1000, 1)} s`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    for (const target of targets) await stopCluster(target.cluster).catch(() => undefined);
    await removeTempDirs();
  }
}
