// Discovery benchmark: how long three founding members take from their start to a formed cluster
// when they find each other through one discovery token, Flotilla against etcd 3.4.
// A seed Flotilla node (raft-kv + discovery, the built CLI) serves the tokens for both. Each run:
// a fresh token of size 3, three members spawned together with --discovery, then polled every
// 10 ms until every member reports three members and a PUT on one is read back on another
// (a linearizable read). Flotilla members are `flotilla up` (raft-kv + discovery); etcd members
// are `etcd --discovery URL --enable-v2`. BENCH_RUNS runs each (default 5). Prints figures,
// asserts nothing.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { type Child, cleanEnv, ensureBuilt, envNumber, fmt, freePort, LOOPBACK, median, removeTempDirs, ROOT, startChild, stopChild, table, tempDir, waitFor200 } from './lib/harness.js';
import { etcdBinary, etcdVersion } from './lib/kv-cluster.js';

export const description = 'three members found a cluster through one discovery token: Flotilla against etcd 3.4';

const RUNS = envNumber('BENCH_RUNS', 5, { integer: true });
const CLI = path.join(ROOT, 'cli', 'bin', 'run.js');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Member {
  child: Child;
  clientUrl: string;
}

async function flotillaNode(name: string, plugins: Record<string, unknown>, apiPort: number): Promise<Member> {
  const dir = await tempDir(`disc-${name}`);
  const file = path.join(dir, 'node.yaml');
  await writeFile(file, stringify({ version: 1, node: { name }, dataDir: path.join(dir, 'data'), api: { address: LOOPBACK, port: apiPort }, log: { level: 'warn' }, plugins }));
  return { child: startChild(`flotilla ${name}`, process.execPath, [CLI, 'up', '--config', file], { env: cleanEnv() }), clientUrl: `http://${LOOPBACK}:${apiPort}` };
}

async function etcdMember(binary: string, name: string, url: string): Promise<Member> {
  const dir = await tempDir(`disc-etcd-${name}`);
  const [client, peer] = [await freePort(), await freePort()];
  const clientUrl = `http://${LOOPBACK}:${client}`;
  const peerUrl = `http://${LOOPBACK}:${peer}`;
  const args = ['--name', name, '--data-dir', path.join(dir, 'data'), '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl, '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--discovery', url, '--enable-v2', '--log-level', 'warn', '--logger', 'zap'];
  return { child: startChild(`etcd ${name}`, binary, args, { env: cleanEnv() }), clientUrl };
}

async function token(seed: Member): Promise<string> {
  const response = await fetch(`${seed.clientUrl}/new?size=3`, { method: 'POST' });
  return (await response.text()).trim();
}

/** Every member lists three members, and a write on the first is read (quorum) on the last. */
async function formed(members: Member[], key: string): Promise<boolean> {
  try {
    for (const member of members) {
      const body = (await (await fetch(`${member.clientUrl}/v2/members`, { signal: AbortSignal.timeout(1000) })).json()) as { members?: unknown[] };
      if (body.members?.length !== 3) return false;
    }
    const put = await fetch(`${members[0]!.clientUrl}/v2/keys/${key}`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=1', signal: AbortSignal.timeout(1000) });
    if (put.status >= 300) return false;
    const get = await fetch(`${members[2]!.clientUrl}/v2/keys/${key}?quorum=true`, { signal: AbortSignal.timeout(1000) });
    return get.status === 200;
  } catch {
    return false;
  }
}

async function timeFormation(start: () => Promise<Member[]>): Promise<number> {
  const began = performance.now();
  const members = await start();
  try {
    const deadline = began + 120_000;
    while (!(await formed(members, `bench-${Math.round(began)}`))) {
      if (members.some((m) => m.child.exitedAt !== undefined)) throw new Error(`a member exited: ${members.map((m) => m.child.stderrTail().slice(-300)).join('\n')}`);
      if (performance.now() > deadline) throw new Error('no cluster within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return performance.now() - began;
  } finally {
    await Promise.all(members.map((m) => stopChild(m.child, 'SIGTERM')));
  }
}

/** The same three processes as single-member nodes, without discovery: what starting Node.js and the kernel costs. */
async function timeStandalone(): Promise<number> {
  const began = performance.now();
  const members = await Promise.all(['s1', 's2', 's3'].map(async (name) => {
    const port = await freePort();
    return { port, member: await flotillaNode(name, { 'raft-kv': { peerPort: await freePort() } }, port) };
  }));
  try {
    await Promise.all(members.map(({ port, member }) => waitFor200(member.child, port, '/health', { deadlineMs: 60_000, intervalMs: 10 })));
    return performance.now() - began;
  } finally {
    await Promise.all(members.map(({ member }) => stopChild(member.child, 'SIGTERM')));
  }
}

export async function run(): Promise<void> {
  await ensureBuilt();
  const etcd = await etcdBinary(log);
  const seedPort = await freePort();
  const seed = await flotillaNode('seed', { 'raft-kv': { peerPort: await freePort() }, discovery: {} }, seedPort);
  await waitFor200(seed.child, seedPort, '/health', { deadlineMs: 30_000, intervalMs: 20 });
  const flotilla: number[] = [];
  const standalone: number[] = [];
  const etcdTimes: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const url = await token(seed);
      flotilla.push(
        await timeFormation(async () =>
          Promise.all(['f1', 'f2', 'f3'].map(async (name) => flotillaNode(name, { 'raft-kv': { peerPort: await freePort(), discovery: url }, discovery: { serve: false } }, await freePort()))),
        ),
      );
      log(`bench: discovery run ${run + 1}: flotilla formed in ${fmt(flotilla.at(-1)!)} ms`);
      standalone.push(await timeStandalone());
      log(`bench: discovery run ${run + 1}: three standalone flotilla nodes up in ${fmt(standalone.at(-1)!)} ms`);
      if ('binary' in etcd) {
        const etcdUrl = await token(seed);
        etcdTimes.push(await timeFormation(async () => Promise.all(['e1', 'e2', 'e3'].map((name) => etcdMember(etcd.binary, name, etcdUrl)))));
        log(`bench: discovery run ${run + 1}: etcd formed in ${fmt(etcdTimes.at(-1)!)} ms`);
      }
    }
  } finally {
    await stopChild(seed.child, 'SIGTERM');
    await removeTempDirs();
  }
  const row = (label: string, values: number[]) => [label, fmt(median(values)), fmt(Math.max(...values)), values.map((v) => fmt(v)).join(' ')];
  const rows = [
    row('flotilla up --discovery (raft-kv + discovery)', flotilla),
    row('baseline: three single-member flotilla up, no discovery (→ /health)', standalone),
  ];
  if (etcdTimes.length > 0) rows.push(row(`etcd ${etcdVersion((etcd as { binary: string }).binary)} --discovery`, etcdTimes));
  process.stdout.write(
    `\nDiscovery: three members spawned together → formed cluster (three members listed everywhere, a write read back with quorum), ${RUNS} runs, ms\n\n` +
      table(['members', 'median', 'max', 'runs'], rows) +
      (etcdTimes.length > 0 ? `\nflotilla / etcd (median): ${(median(flotilla) / median(etcdTimes)).toFixed(2)}×\n` : `\netcd: ${(etcd as { skipped: string }).skipped}\n`),
  );
}
