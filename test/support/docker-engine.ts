import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';

// The Docker engine the docker-runtime suites run against. scripts/test.mjs calls
// `provideDockerEngine()` once per run when a suite under test/plugins/docker-runtime/ is selected,
// hands the suites its address in DOCKER_HOST (or, when there is none, the reason in
// TEST_DOCKER_ENGINE_ERROR), and calls `stop()` when the run ends.

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
/** The image the suites run; built from Debian's busybox-static when the engine lacks it. */
export const BUSYBOX_IMAGE = 'busybox:latest';
/** Where scripts/test.mjs puts the reason no engine could be provided. */
export const ENGINE_ERROR_VARIABLE = 'TEST_DOCKER_ENGINE_ERROR';

export interface DockerEngine {
  /** The engine's address, as DOCKER_HOST takes it: `unix:///…` or `tcp://…`. */
  host: string;
  /** Set when this process started a private dockerd; `undefined` for an engine that was already there. */
  pid: number | undefined;
  /** The private dockerd's temp dir (socket, data-root, exec-root, pidfile, log). */
  dir: string | undefined;
  /** Stops the private dockerd and removes its temp dir; does nothing for an engine it did not start. */
  stop(): Promise<void>;
}

export interface ProvideOptions {
  /** Progress lines ("using …", "started …"); silent by default. */
  log?: (line: string) => void;
  /** How long a private dockerd may take to answer its first ping. */
  startTimeoutMs?: number;
  /** Gives up (stopping a dockerd it is starting) when this aborts. */
  signal?: AbortSignal;
}

/** A dockerode client for `host` (`unix:///path`, `tcp://host:port`; DOCKER_HOST's other forms as docker-modem reads them). */
export function dockerClient(host: string = process.env.DOCKER_HOST || DEFAULT_DOCKER_HOST): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  // tcp with TLS, ssh: let docker-modem read DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.
  if (host === process.env.DOCKER_HOST) return new Docker();
  const url = new URL(host.includes('//') ? host : `tcp://${host}`);
  return new Docker({ protocol: 'http', host: url.hostname, port: url.port || '2375' });
}

/** Whether an engine answers `GET /_ping` at `host` within the timeout. */
export async function pingEngine(host: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const docker = dockerClient(host);
    // dockerode's ping takes an abortSignal, though its types do not say so.
    const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    const answer = await ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return String(answer) === 'OK';
  } catch {
    return false;
  }
}

/**
 * An engine for this test run, with `busybox:latest` in it: the one at DOCKER_HOST, else the one
 * at /var/run/docker.sock, else a private dockerd started here (root only). Throws, with the
 * reason, when none can be had.
 */
export async function provideDockerEngine(options: ProvideOptions = {}): Promise<DockerEngine> {
  const log = options.log ?? (() => {});
  const candidates = [process.env.DOCKER_HOST, DEFAULT_DOCKER_HOST].filter((host, i, all): host is string => !!host && all.indexOf(host) === i);
  for (const host of candidates) {
    if (await pingEngine(host)) {
      log(`using the Docker engine at ${host}`);
      await ensureBusyboxImage(dockerClient(host), log);
      return { host, pid: undefined, dir: undefined, stop: async () => {} };
    }
    log(`no Docker engine answers at ${host}`);
  }
  const engine = await startPrivateDockerd(options.startTimeoutMs ?? 60_000, log, options.signal);
  try {
    options.signal?.throwIfAborted();
    await ensureBusyboxImage(dockerClient(engine.host), log);
    options.signal?.throwIfAborted();
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return engine;
}

/**
 * The client the docker-runtime suites use: DOCKER_HOST as scripts/test.mjs set it. Throws the
 * reason the run has no engine, so that each Docker test fails with it rather than being skipped.
 */
export function suiteDocker(): Docker {
  const reason = process.env[ENGINE_ERROR_VARIABLE];
  if (reason) throw new Error(`no Docker engine for this run: ${reason}`);
  if (!process.env.DOCKER_HOST) {
    throw new Error('DOCKER_HOST is not set: run the docker-runtime suites through scripts/test.mjs (npm test), which provides an engine');
  }
  return dockerClient(process.env.DOCKER_HOST);
}

// ---------------------------------------------------------------------------------------------
// The private dockerd

/** Flags that keep a private dockerd off the host's network setup; storage is dockerd's own choice (overlay2 where it works, else vfs). */
function privateDockerdArgs(dir: string): string[] {
  return [
    '--config-file', path.join(dir, 'daemon.json'),
    '--host', `unix://${path.join(dir, 'docker.sock')}`,
    '--data-root', path.join(dir, 'data'),
    '--exec-root', path.join(dir, 'exec'),
    '--pidfile', path.join(dir, 'docker.pid'),
    // No docker0 bridge, no iptables rules, no ip_forward sysctl: containers get only loopback.
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-forward=false',
    // Should dockerd use a containerd that already runs on the host, keep its objects apart.
    '--containerd-namespace', 'flotilla-test',
    '--containerd-plugins-namespace', 'flotilla-test-plugins',
  ];
}

/** PATH with the sbin directories, where Debian puts dockerd and runc, for finding and running dockerd. */
function pathWithSbin(): string {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(dir)) dirs.push(dir);
  return dirs.join(':');
}

function findDockerd(): string | undefined {
  return pathWithSbin()
    .split(':')
    .map((dir) => path.join(dir, 'dockerd'))
    .find((file) => existsSync(file) && statSync(file).isFile());
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function startPrivateDockerd(startTimeoutMs: number, log: (line: string) => void, signal?: AbortSignal): Promise<DockerEngine> {
  const dockerd = findDockerd();
  if (!dockerd) {
    throw new Error('no engine is reachable and dockerd is not installed (Debian: apt-get install docker.io; test/provision does this when run as root)');
  }
  if (process.getuid?.() !== 0) {
    throw new Error('no engine is reachable, and starting a private dockerd needs root (or set DOCKER_HOST to a reachable engine)');
  }
  // Under /tmp rather than $TMPDIR: unix socket paths are limited to 107 bytes, and containerd puts its own below exec-root.
  const dir = mkdtempSync(existsSync('/tmp') ? '/tmp/flotilla-dockerd-' : path.join(process.env.TMPDIR ?? '.', 'flotilla-dockerd-'));
  const host = `unix://${path.join(dir, 'docker.sock')}`;
  const logFile = path.join(dir, 'dockerd.log');
  // A config file of its own, so that /etc/docker/daemon.json does not apply, and the daemon's
  // trust key (written by dockerd < 23) lands here rather than in /etc/docker.
  writeFileSync(path.join(dir, 'daemon.json'), JSON.stringify({ 'deprecated-key-path': path.join(dir, 'key.json') }) + '\n');
  const logFd = openSync(logFile, 'a');
  const started = Date.now();
  // Its own process group: a Ctrl-C on the terminal reaches the test runner, which stops it in order.
  const child = spawn(dockerd, privateDockerdArgs(dir), {
    stdio: ['ignore', logFd, logFd],
    detached: true,
    env: { ...process.env, PATH: pathWithSbin() },
  });
  closeSync(logFd);
  const pid = child.pid;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => {
    if (pid === undefined) resolve();
    child.once('exit', () => resolve());
  });
  const running = () => child.exitCode === null && child.signalCode === null && spawnError === undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (pid !== undefined && running()) {
        // dockerd gives each running container its stop timeout (10 s) on shutdown; kill them first.
        const left = await removeAllContainers(dockerClient(host)).catch(() => 0);
        if (left > 0) log(`removed ${left} container(s) still running at the end of the run`);
        process.kill(pid, 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const gone = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
        ]);
        clearTimeout(timer);
        if (!gone && running()) {
          process.kill(pid, 'SIGKILL');
          await exited;
        }
      }
      killOrphanedContainerd(dir);
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    })());

  const deadline = started + startTimeoutMs;
  while (Date.now() < deadline) {
    if (!running() || signal?.aborted) break;
    if (await pingEngine(host, 1000)) {
      const info = await dockerClient(host).info().catch(() => undefined);
      log(`started a private dockerd (pid ${pid}, ${info?.Driver ?? 'unknown'} storage) at ${host} in ${Date.now() - started} ms`);
      return { host, pid, dir, stop };
    }
    await sleep(100);
  }
  let why: string;
  if (signal?.aborted) why = 'interrupted while starting dockerd';
  else if (spawnError) why = `could not run dockerd: ${spawnError.message}`;
  else if (running()) why = `dockerd did not answer at ${host} within ${startTimeoutMs} ms`;
  else why = `dockerd exited with ${child.exitCode ?? child.signalCode}`;
  const lastLines = tail(logFile);
  await stop();
  throw new Error(`${why}; the end of its log:\n${lastLines}`);
}

/** Force-removes every container of a private engine (all of them this run's); how many were running. */
async function removeAllContainers(docker: Docker): Promise<number> {
  const abortSignal = AbortSignal.timeout(5000);
  const containers = await docker.listContainers({ all: true, abortSignal });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, abortSignal }).catch(() => {})));
  return containers.filter((c) => c.State === 'running').length;
}

/**
 * dockerd stops the containerd it started when it stops; if it had to be killed, that containerd
 * is left behind. It is found by the pidfile in the private exec-root, and only signalled when its
 * command line names that exec-root, so no other containerd is touched.
 */
function killOrphanedContainerd(dir: string): void {
  const pidFile = path.join(dir, 'exec', 'containerd', 'containerd.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(dir)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Lazily unmounts whatever is still mounted below `dir` (overlay layers, netns files of a killed dockerd). */
function unmountUnder(dir: string): void {
  let mounts: string[];
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  } catch {
    return;
  }
  const points = mounts
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((point): point is string => !!point && point.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const point of points) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// The busybox image

/** Imports `busybox:latest`, built from the host's static busybox, unless the engine already has it. */
export async function ensureBusyboxImage(docker: Docker, log: (line: string) => void = () => {}): Promise<void> {
  const present = await docker.getImage(BUSYBOX_IMAGE).inspect().then(() => true, (error: { statusCode?: number }) => {
    if (error.statusCode === 404) return false;
    throw error;
  });
  if (present) return;
  const started = Date.now();
  const tar = busyboxRootfsTar();
  const [repo, tag] = BUSYBOX_IMAGE.split(':');
  // POST /images/create?fromSrc=-&repo=busybox&tag=latest with the tar as the body.
  const progress = await docker.importImage(Readable.from([tar]), {
    repo,
    tag,
    message: 'rootfs of Debian busybox-static, for the docker-runtime suites',
    changes: ['CMD ["sh"]', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  });
  let answer = '';
  for await (const chunk of progress as AsyncIterable<Buffer>) answer += chunk;
  const failure = answer
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { error?: string })
    .find((event) => event.error);
  if (failure) throw new Error(`importing ${BUSYBOX_IMAGE} failed: ${failure.error}`);
  await docker.getImage(BUSYBOX_IMAGE).inspect();
  log(`imported ${BUSYBOX_IMAGE} (${Math.round(tar.length / 1024)} KiB rootfs) in ${Date.now() - started} ms`);
}

/** A static busybox on this host: Debian's busybox-static installs /bin/busybox. */
export function findStaticBusybox(): string {
  const candidates = ['/bin/busybox', '/usr/bin/busybox', '/sbin/busybox', '/usr/sbin/busybox'];
  const found = candidates.filter((file) => existsSync(file) && statSync(file).isFile());
  const staticOne = found.find((file) => isStaticElf(readFileSync(file)));
  if (staticOne) return staticOne;
  throw new Error(
    found.length > 0
      ? `${found[0]} is dynamically linked and cannot run alone in an image; install Debian's busybox-static (test/provision does this when run as root)`
      : 'no busybox found; install Debian\'s busybox-static (test/provision does this when run as root)',
  );
}

/** Whether an ELF executable has no program interpreter (PT_INTERP), i.e. runs with no shared libraries. */
function isStaticElf(bytes: Buffer): boolean {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const phoff = is64 ? Number(little ? bytes.readBigUInt64LE(32) : bytes.readBigUInt64BE(32)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > bytes.length) return false;
    if (u32(at) === PT_INTERP) return false;
  }
  return true;
}

/**
 * The image's root file system as an uncompressed tar: /bin/busybox and a symlink to it per
 * applet (`busybox --list`), /etc/passwd and /etc/group with root and nobody, /root, /tmp.
 */
export function busyboxRootfsTar(busybox: string = findStaticBusybox()): Buffer {
  const listed = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`${busybox} --list failed: ${listed.stderr || listed.error?.message}`);
  const applets = listed.stdout
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => /^[\w.\[\]-]+$/.test(name) && name !== 'busybox');
  const tar = new TarWriter();
  tar.directory('bin', 0o755);
  tar.file('bin/busybox', readFileSync(busybox), 0o755);
  for (const applet of [...new Set(applets)].sort()) tar.symlink(`bin/${applet}`, 'busybox');
  tar.directory('etc', 0o755);
  tar.file('etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'), 0o644);
  tar.file('etc/group', Buffer.from('root:x:0:\nnobody:x:65534:\n'), 0o644);
  tar.directory('root', 0o700);
  tar.directory('tmp', 0o1777);
  return tar.finish();
}

/** Just enough of ustar for a root file system: directories, regular files, symlinks, all owned by root. */
class TarWriter {
  private readonly blocks: Buffer[] = [];
  private readonly mtime = Math.floor(Date.now() / 1000);

  directory(name: string, mode: number): void {
    this.entry(`${name}/`, '5', mode, 0);
  }

  file(name: string, content: Buffer, mode: number): void {
    this.entry(name, '0', mode, content.length);
    this.blocks.push(content);
    const pad = (512 - (content.length % 512)) % 512;
    if (pad > 0) this.blocks.push(Buffer.alloc(pad));
  }

  symlink(name: string, target: string): void {
    this.entry(name, '2', 0o777, 0, target);
  }

  finish(): Buffer {
    return Buffer.concat([...this.blocks, Buffer.alloc(1024)]);
  }

  private entry(name: string, type: string, mode: number, size: number, linkName = ''): void {
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(linkName) > 100) throw new Error(`tar: name too long: ${name}`);
    const header = Buffer.alloc(512);
    const put = (text: string, at: number, width: number) => header.write(text, at, width, 'utf8');
    const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
    put(name, 0, 100);
    put(octal(mode, 8), 100, 8);
    put(octal(0, 8), 108, 8); // uid
    put(octal(0, 8), 116, 8); // gid
    put(octal(size, 12), 124, 12);
    put(octal(this.mtime, 12), 136, 12);
    put('        ', 148, 8); // checksum, counted as spaces
    put(type, 156, 1);
    put(linkName, 157, 100);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    put('root', 265, 32);
    put('root', 297, 32);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    this.blocks.push(header);
  }
}

/** Removes a container by id, running or not; one that is already gone is fine. */
export async function removeContainer(docker: Docker, id: string | undefined): Promise<void> {
  if (!id) return;
  await docker
    .getContainer(id)
    .remove({ force: true })
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
}

/** Containers a suite made, removed by id when it ends, whatever state they are in. */
export class MadeContainers {
  private readonly ids = new Set<string>();

  add(id: string): void {
    this.ids.add(id);
  }

  async remove(docker: Docker, id: string | undefined): Promise<void> {
    await removeContainer(docker, id);
    if (id) this.ids.delete(id);
  }

  async removeAll(docker: Docker): Promise<void> {
    for (const id of [...this.ids]) await this.remove(docker, id);
  }
}
