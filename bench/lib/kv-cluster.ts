// Three-member clusters on loopback for the key/value benchmark: Flotilla (the built CLI, one
// `flotilla up --config FILE` per member) and etcd 3.4 with the v2 API. Each member gets its own temp
// data dir and free ports; every process is started and stopped by its PID through the harness.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Child, cleanEnv, findOnPath, freePort, LOOPBACK, ROOT, startChild, stopChild, tempDir, waitFor200 } from './harness.js';
import { getJson } from './kv-client.js';

export type System = 'flotilla' | 'etcd';

export interface Member {
  name: string;
  child: Child;
  clientPort: number;
  peerPort: number;
}

export interface Cluster {
  system: System;
  members: Member[];
}

export interface Leader {
  member: Member;
  id: string;
}

const CLI = path.join(ROOT, 'cli', 'bin', 'run.js');
const NAMES = ['m1', 'm2', 'm3'] as const;

/** `count` distinct free loopback ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 20; attempt++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} distinct free ports`);
  return [...ports];
}

const peerUrl = (port: number) => `http://${LOOPBACK}:${port}`;

function flotillaConfig(name: string, dataDir: string, apiPort: number, peerPort: number, token: string, peers: Map<string, number>, plugins: readonly string[]): string {
  return [
    'version: 1',
    'node:',
    `  name: ${name}`,
    `dataDir: ${JSON.stringify(dataDir)}`,
    'api:',
    `  address: ${LOOPBACK}`,
    `  port: ${apiPort}`,
    'log:',
    '  level: warn',
    'plugins:',
    '  raft-kv:',
    `    peerPort: ${peerPort}`,
    `    clusterToken: ${token}`,
    '    initialCluster:',
    ...[...peers].map(([peer, port]) => `      ${peer}: ${peerUrl(port)}`),
    ...plugins.map((id) => `  ${id}: {}`),
    '',
  ].join('\n');
}

/** Three members; `plugins` are other plugins each runs, with their defaults. */
export async function startFlotilla(plugins: readonly string[] = []): Promise<Cluster> {
  const ports = await freePorts(NAMES.length * 2);
  const peers = new Map(NAMES.map((name, i) => [name, ports[2 * i + 1]!]));
  const token = `bench-${randomBytes(4).toString('hex')}`;
  const members: Member[] = [];
  for (const [i, name] of NAMES.entries()) {
    const dir = await tempDir(`kv-flotilla-${name}`);
    const file = path.join(dir, 'node.yaml');
    const clientPort = ports[2 * i]!;
    const peerPort = ports[2 * i + 1]!;
    await writeFile(file, flotillaConfig(name, path.join(dir, 'data'), clientPort, peerPort, token, peers, plugins));
    const child = startChild(`flotilla ${name}`, process.execPath, [CLI, 'up', '--config', file, '--log-level', 'warn'], { env: cleanEnv() });
    members.push({ name, child, clientPort, peerPort });
  }
  const cluster: Cluster = { system: 'flotilla', members };
  await waitForCluster(cluster, '/health');
  return cluster;
}

export async function startEtcd(binary: string): Promise<Cluster> {
  const ports = await freePorts(NAMES.length * 2);
  const initial = NAMES.map((name, i) => `${name}=${peerUrl(ports[2 * i + 1]!)}`).join(',');
  const token = `bench-${randomBytes(4).toString('hex')}`;
  const members: Member[] = [];
  for (const [i, name] of NAMES.entries()) {
    const dir = await tempDir(`kv-etcd-${name}`);
    const clientPort = ports[2 * i]!;
    const peerPort = ports[2 * i + 1]!;
    const args = [
      '--name', name,
      '--data-dir', path.join(dir, 'data'),
      '--listen-client-urls', peerUrl(clientPort),
      '--advertise-client-urls', peerUrl(clientPort),
      '--listen-peer-urls', peerUrl(peerPort),
      '--initial-advertise-peer-urls', peerUrl(peerPort),
      '--initial-cluster', initial,
      '--initial-cluster-token', token,
      '--initial-cluster-state', 'new',
      '--enable-v2',
      '--logger', 'zap',
      '--log-level', 'warn',
    ];
    members.push({ name, child: startChild(`etcd ${name}`, binary, args, { env: cleanEnv() }), clientPort, peerPort });
  }
  const cluster: Cluster = { system: 'etcd', members };
  await waitForCluster(cluster, '/version');
  return cluster;
}

async function waitForCluster(cluster: Cluster, readyPath: string): Promise<void> {
  try {
    await Promise.all(cluster.members.map((member) => waitFor200(member.child, member.clientPort, readyPath, { deadlineMs: 30_000, intervalMs: 20 })));
  } catch (error) {
    await stopCluster(cluster);
    throw error;
  }
}

/**
 * The leader as the members see it: every running member is asked GET /v2/members/leader, and
 * the answer is accepted when all that answer agree. Polls until `deadlineMs`.
 */
export async function findLeader(cluster: Cluster, deadlineMs = 20_000): Promise<Leader> {
  const deadline = performance.now() + deadlineMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    const running = cluster.members.filter((member) => member.child.exitedAt === undefined);
    if (running.length < cluster.members.length) {
      const gone = cluster.members.filter((member) => member.child.exitedAt !== undefined).map((member) => `${member.name}: ${member.child.stderrTail().slice(-400)}`);
      throw new Error(`${cluster.system}: a member exited\n${gone.join('\n')}`);
    }
    const answers = await Promise.all(running.map((member) => getJson(member.clientPort, '/v2/members/leader')));
    const seen = answers.map((answer) => leaderOf(cluster, answer));
    const first = seen[0];
    if (first && seen.every((leader) => leader && leader.id === first.id)) return first;
    last = JSON.stringify(answers);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${cluster.system}: no agreed leader within ${deadlineMs} ms (last answers ${last})`);
}

function leaderOf(cluster: Cluster, answer: unknown): Leader | undefined {
  const body = answer as { id?: unknown; clientURLs?: unknown } | undefined;
  if (typeof body?.id !== 'string' || !Array.isArray(body.clientURLs)) return undefined;
  for (const url of body.clientURLs) {
    if (typeof url !== 'string') continue;
    const parsed = new URL(url);
    if (parsed.hostname !== LOOPBACK) continue;
    const member = cluster.members.find((candidate) => candidate.clientPort === Number(parsed.port));
    if (member) return { member, id: body.id };
  }
  return undefined;
}

/** SIGINT (Flotilla) or SIGTERM (etcd) to every member by PID, SIGKILL after 15 s; how each exited. */
export async function stopCluster(cluster: Cluster): Promise<string[]> {
  const signal = cluster.system === 'flotilla' ? 'SIGINT' : 'SIGTERM';
  return Promise.all(
    cluster.members.map(async (member) => {
      const exit = await stopChild(member.child, signal);
      const how = exit.killed ? 'SIGKILL after timeout' : exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
      return `${member.name} ${how} in ${Math.round(exit.ms)} ms`;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// /proc figures

/** VmHWM and VmRSS in KiB from /proc/<pid>/status; undefined once the process is gone. */
export function memoryKb(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { hwm: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return undefined;
  }
}

/** The kernel's clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** User + system CPU time of a process in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

export function clusterCpuMs(cluster: Cluster): number {
  return cluster.members.reduce((sum, member) => sum + cpuMs(member.child.pid), 0);
}

// ---------------------------------------------------------------------------------------------
// The etcd binary


/** etcd on PATH, else installed from Debian's etcd-server when running as root; a reason when neither. */
export async function etcdBinary(log: (line: string) => void): Promise<{ binary: string } | { skipped: string }> {
  const found = await findOnPath('etcd');
  if (found) return { binary: found };
  if (process.getuid?.() !== 0) return { skipped: 'no etcd on PATH and not root, so etcd-server cannot be installed' };
  log('bench: no etcd on PATH; installing etcd-server with apt-get');
  const apt = (args: string[]) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let result = apt(['install', '-y', '-q', 'etcd-server']);
  if (result.status !== 0) {
    apt(['update', '-q']);
    result = apt(['install', '-y', '-q', 'etcd-server']);
  }
  const installed = await findOnPath('etcd');
  const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
  return installed ? { binary: installed } : { skipped: `apt-get install etcd-server failed (${why})` };
}

export function etcdVersion(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /etcd Version:\s*(\S+)/.exec(result.stdout ?? '')?.[1] ?? 'unknown version';
}
