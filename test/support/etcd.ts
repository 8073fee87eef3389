import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePorts } from './ports.js';
import { tempDir } from './temp-dir.js';

/** Whether etcd and etcdctl (Debian's etcd-server and etcd-client, installed by test/provision) are on the PATH. */
export function etcdBinariesMissing(): string[] {
  return ['etcd', 'etcdctl'].filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
}

export interface RealEtcd {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A real single-member etcd 3.4 with the v2 API, on loopback ports, in a temporary data dir. */
export async function startEtcd(): Promise<RealEtcd> {
  const [clientPort, peerPort] = await freePorts(2);
  const dir = tempDir();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child: ChildProcess = spawn(
    'etcd',
    [
      '--enable-v2',
      '--data-dir', `${dir.path}/etcd`,
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `default=${peer}`,
      '--name', 'default',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited;
    dir.cleanup();
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (healthy) return { url, pid: child.pid!, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`etcd did not become healthy at ${url}:\n${log}`);
}

export interface Ran {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** One `ETCDCTL_API=2 etcdctl --endpoints URL ARGS` run to its end. */
export function etcdctl(url: string, args: string[], timeoutMs = 15_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('etcdctl', ['--endpoints', url, ...args], { env: { ...process.env, ETCDCTL_API: '2' }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

export interface Background {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves once stdout has this many lines, rejects after the timeout. */
  lines(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** A long-running command (a watch), read as it goes and stopped by its PID. */
export function background(command: string, args: string[], env: Record<string, string> = {}): Background {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async lines(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lines = out.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
        if (lines.length >= count) return lines;
        if (Date.now() > deadline) throw new Error(`${command} ${args.join(' ')}: wanted ${count} lines, got:\n${out}\nstderr:\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** Waits until the server's /v2/stats/store counts at least this many watchers. */
export async function watchersAtLeast(url: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = (await fetch(`${url}/v2/stats/store`).then((r) => r.json())) as { watchers: number };
    if (stats.watchers >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no watcher registered at ${url} within ${timeoutMs} ms`);
}

