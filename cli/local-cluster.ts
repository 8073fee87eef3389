import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { FLEET_CONSTRAINTS } from '../core/index.js';

/** What `cluster up` started, kept in the cluster's directory for `cluster down`. */
export interface LocalClusterRecord {
  nodes: { name: string; pid: number; apiUrl: string; configFile: string; logFile: string }[];
}

export interface LocalClusterOptions {
  dir: string;
  nodes: number;
  /** `key=v1,v2,…`: node i gets v[i mod n]. */
  metadata: string[];
  basePort?: number;
  log: (line: string) => void;
}

const RECORD = 'cluster.json';
const READY_TIMEOUT_MS = 60_000;

/**
 * N nodes on loopback, each a `flotilla up` process of its own with its own data dir and
 * ports, founded through a discovery token: the quickest way to try a cluster on one machine.
 * The token comes from a short-lived node that serves discovery and stops once the cluster has
 * formed. A directory that already holds a cluster is started again from its data dirs.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalClusterRecord> {
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const running = await readRecord(dir);
  if (running && running.nodes.some((node) => isOurs(node.pid, node.configFile))) {
    throw new Error(`a cluster already runs from ${dir}; stop it with flotilla cluster down --dir ${options.dir}`);
  }
  const names = Array.from({ length: options.nodes }, (_, i) => `m${i + 1}`);
  const existing = names.every((name) => existsSync(path.join(dir, name, 'node.yaml')));
  const ports = options.basePort !== undefined ? names.flatMap((_, i) => [options.basePort! + 2 * i, options.basePort! + 2 * i + 1]) : await freePorts(names.length * 2);

  let discoveryUrl: string | undefined;
  let seed: Started | undefined;
  if (!existing) {
    seed = await startSeed(dir, options.log);
    discoveryUrl = await newToken(seed.apiUrl, options.nodes);
    options.log(`discovery token ${discoveryUrl}`);
  }
  const nodes: Started[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const home = path.join(dir, name);
      const configFile = path.join(home, 'node.yaml');
      if (!existing) {
        await mkdir(home, { recursive: true });
        await writeFile(configFile, nodeConfig(name, home, ports[2 * i]!, ports[2 * i + 1]!, metadataFor(options.metadata, i), discoveryUrl!));
      }
      nodes.push(spawnNode(name, configFile, path.join(home, 'node.log')));
    }
    await Promise.all(nodes.map((node) => node.ready));
  } catch (error) {
    await Promise.all(nodes.map((node) => stopPid(node.pid)));
    throw error;
  } finally {
    if (seed) await stopPid(seed.pid);
  }
  const record: LocalClusterRecord = {
    nodes: nodes.map(({ name, pid, apiUrl, configFile, logFile }) => ({ name, pid, apiUrl, configFile, logFile })),
  };
  await writeFile(path.join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Stops every node `cluster up` started from `dir` (SIGTERM, by the PIDs it recorded); returns their names. */
export async function stopLocalCluster(dir: string): Promise<string[]> {
  const record = await readRecord(path.resolve(dir));
  if (!record) throw new Error(`no cluster was started from ${path.resolve(dir)}`);
  const ours = record.nodes.filter((node) => isOurs(node.pid, node.configFile));
  await Promise.all(ours.map((node) => stopPid(node.pid)));
  return ours.map((node) => node.name);
}

interface Started {
  name: string;
  pid: number;
  apiUrl: string;
  configFile: string;
  logFile: string;
  ready: Promise<void>;
}

function spawnNode(name: string, configFile: string, logFile: string): Started {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'up', '--config', configFile], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  closeSync(out);
  child.unref();
  const apiUrl = apiUrlOf(configFile);
  const ready = waitForHealth(apiUrl, child.pid!, logFile);
  return { name, pid: child.pid!, apiUrl, configFile, logFile, ready };
}

async function startSeed(dir: string, log: (line: string) => void): Promise<Started> {
  const home = path.join(dir, 'discovery-seed');
  await mkdir(home, { recursive: true });
  const [api, peer] = await freePorts(2);
  const configFile = path.join(home, 'node.yaml');
  await writeFile(
    configFile,
    stringify({
      version: 1,
      node: { name: 'discovery-seed' },
      dataDir: path.join(home, 'data'),
      api: { address: '127.0.0.1', port: api },
      log: { level: 'warn', format: 'json' },
      plugins: { 'raft-kv': { peerPort: peer }, discovery: {} },
    }),
  );
  const seed = spawnNode('discovery-seed', configFile, path.join(home, 'node.log'));
  await seed.ready;
  log(`discovery served by a seed node at ${seed.apiUrl} until the cluster has formed`);
  return seed;
}

function nodeConfig(name: string, home: string, apiPort: number, peerPort: number, metadata: Record<string, string>, discovery: string): string {
  return stringify({
    version: 1,
    node: { name, metadata },
    dataDir: path.join(home, 'data'),
    api: { address: '127.0.0.1', port: apiPort },
    log: { level: 'info', format: 'json' },
    plugins: {
      'raft-kv': { peerPort, discovery },
      discovery: {},
      journal: {},
      'systemd-unit': {},
      'fleet-scheduler': {},
      ...Object.fromEntries(FLEET_CONSTRAINTS.map((id) => [id, {}])),
    },
  });
}

function metadataFor(specs: readonly string[], index: number): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const values = spec.slice(eq + 1).split(',').filter((v) => v !== '');
    metadata[spec.slice(0, eq)] = values[index % values.length]!;
  }
  return metadata;
}

export function metadataProblem(spec: string): string | undefined {
  const eq = spec.indexOf('=');
  if (eq <= 0 || spec.slice(eq + 1).split(',').every((v) => v === '')) return `--metadata ${spec}: expected KEY=VALUE[,VALUE…]`;
  return undefined;
}

async function newToken(apiUrl: string, size: number): Promise<string> {
  const response = await fetch(`${apiUrl}/new?size=${size}`, { method: 'POST' });
  if (!response.ok) throw new Error(`the discovery seed answered ${response.status}: ${await response.text()}`);
  return (await response.text()).trim();
}

function apiUrlOf(configFile: string): string {
  const config = parse(readFileSync(configFile, 'utf8')) as { api: { port: number } };
  return `http://127.0.0.1:${config.api.port}`;
}

async function waitForHealth(apiUrl: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`the node of ${logFile.replace(/\/node\.log$/, '')} exited; its log: ${logFile}\n${tail(logFile)}`);
    const healthy = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer from ${apiUrl}/health within ${READY_TIMEOUT_MS / 1000} s; its log: ${logFile}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

async function readRecord(dir: string): Promise<LocalClusterRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, RECORD), 'utf8')) as LocalClusterRecord;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PID still runs the node we started (not a recycled PID): its command line names our config file. */
function isOurs(pid: number, configFile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(configFile);
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
