// Docker runtime benchmark: a unit whose ExecStart= is a `docker run` line, started and stopped by
// an in-process node (journal, systemd-unit, docker-runtime), against the docker CLI doing the
// same on the same engine in the same run.
//   1. Flotilla: unit bench-N.service, `ExecStart=/usr/bin/docker run --rm --name bench-N busybox
//      sleep 3600` and `KillSignal=SIGKILL`, loaded untimed. Start: from UnitManager.start() (what
//      POST /v1/units/NAME/start calls) to it resolving with the unit active, which for a simple
//      service is once the engine has started the container; the engine is then asked, untimed,
//      whether it runs. Stop: from UnitManager.stop() to it resolving, by when the container has
//      been killed through the engine and removed (--rm). Cycle: the two together.
//   2. Anchor: the docker CLI, spawned without a shell, `docker -H HOST run -d --name bench-cli-N
//      busybox sleep 3600` until it exits (the container started), then `docker kill` and
//      `docker rm` until both exited. Also `docker -H HOST version`, the CLI's floor: one process
//      start and the API version negotiation.
//   Flotilla and CLI runs alternate (which goes first alternates too), after unmeasured warm-up
//   runs of each. Every Engine API call the node makes is timed from the outside (the dockerode
//   modem's dial() is wrapped), to show where a start goes.
// The engine is provided as the docker-runtime test suites get it (test/support/docker-engine.ts):
// DOCKER_HOST or /var/run/docker.sock when one answers, else a private dockerd (root only), with a
// busybox:latest imported from the host's static busybox; a private dockerd is stopped by its PID
// at the end, also when the benchmark fails or is interrupted (then with SIGTERM, waiting up to
// 30 s for it to end before its directory is removed).
// Knobs: BENCH_DOCKER_RUNS (20), BENCH_DOCKER_WARMUP (2). Prints figures, asserts nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import { CORE, type UnitManager } from '../core/index.js';
import dockerRuntimePlugin from '../plugins/docker-runtime/index.js';
import { DOCKER_RUNTIME } from '../plugins/docker-runtime/tokens.js';
import journalPlugin from '../plugins/journal/index.js';
import systemdUnitPlugin from '../plugins/systemd-unit/index.js';
import { BUSYBOX_IMAGE, dockerClient, provideDockerEngine, type DockerEngine } from '../test/support/docker-engine.js';
import { startTestNode, type TestNode } from '../test/support/test-node.js';
import { envNumber, findOnPath, fmt, median, removeTempDirs, startChild, table, tempDir } from './lib/harness.js';

export const description = 'docker runtime: start and stop of a `docker run` unit through the Engine API, against the docker CLI on the same engine';

const TARGET_RATIO = 1.0;
const IMAGE = 'busybox';
/** How long one CLI command may take before the benchmark gives up on it. */
const CLI_DEADLINE_MS = 60_000;

const now = () => performance.now();
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

// ---------------------------------------------------------------------------------------------
// The engine, and what is left on it

/** Whether a process is gone: no /proc entry, or a zombie (an exit handler cannot reap it). */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * Stops a private dockerd by its PID if the benchmark ends without its orderly stop (an error,
 * Ctrl-C): SIGTERM, a wait of up to 30 s for it to end (it stops its containers first), then its
 * directory is removed. An 'exit' handler cannot wait for events, so the wait blocks.
 */
function stopDockerdOnExit(engine: DockerEngine): () => void {
  const onExit = () => {
    if (engine.pid === undefined || isGone(engine.pid)) return;
    try {
      process.kill(engine.pid, 'SIGTERM');
    } catch {
      return;
    }
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !isGone(engine.pid)) Atomics.wait(pause, 0, 0, 100);
    if (!isGone(engine.pid) || engine.dir === undefined) return;
    try {
      rmSync(engine.dir, { recursive: true, force: true });
    } catch {
      // something is still mounted below it; left for the next boot
    }
  };
  process.on('exit', onExit);
  return () => process.off('exit', onExit);
}

/** Containers this benchmark created, removed by id at the end whatever happened. */
const created = new Set<string>();

async function removeCreated(docker: Docker): Promise<number> {
  let removed = 0;
  for (const id of created) {
    try {
      await docker.getContainer(id).remove({ force: true });
      removed++;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    created.delete(id);
  }
  return removed;
}

/** The container by name or id: running or not, or gone (404). */
async function containerState(docker: Docker, ref: string): Promise<{ id: string; running: boolean } | 'gone'> {
  try {
    const info = await docker.getContainer(ref).inspect();
    return { id: info.Id, running: info.State.Running };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Engine API calls the node makes, timed around the dockerode modem

interface ApiCall {
  /** `POST /containers/{id}/start`, ids and image names replaced. */
  kind: string;
  /** From the call to its answer (for a stream, its headers). */
  ms: number;
}

interface Modem {
  dial(options: { path: string; method: string }, callback: (error: unknown, data: unknown) => void): void;
}

function callKind(method: string, rawPath: string): string {
  const pathOnly = rawPath.replace(/\?.*$/, '');
  const normal = pathOnly
    .replace(/^\/containers\/(?!create$|json$)[^/]+/, '/containers/{id}')
    .replace(/^\/images\/(?!create$|json$).+\/json$/, '/images/{name}/json');
  return `${method} ${normal}`;
}

function tapModem(modem: Modem, into: () => ApiCall[]): void {
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const kind = callKind(options.method, options.path);
    const t = now();
    dial(options, (error, data) => {
      into().push({ kind, ms: now() - t });
      callback(error, data);
    });
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Flotilla

interface Cycle {
  startMs: number;
  stopMs: number;
  problem?: string;
}

const unitText = (i: number) =>
  [
    '[Unit]',
    `Description=Bench container ${i}`,
    '',
    '[Service]',
    `ExecStart=/usr/bin/docker run --rm --name bench-${i} ${IMAGE} sleep 3600`,
    'KillSignal=SIGKILL',
    '',
  ].join('\n');

interface FlotillaRig {
  node: TestNode;
  units: UnitManager;
  docker: Docker;
  /** Engine API calls since the last take(). */
  take(): ApiCall[];
}

async function flotillaRig(host: string): Promise<FlotillaRig> {
  const dir = await tempDir('docker');
  const node = await startTestNode({
    catalog: [journalPlugin, systemdUnitPlugin, dockerRuntimePlugin],
    config: {
      node: { name: 'bench-docker' },
      log: { level: 'warn' },
      dataDir: path.join(dir, 'data'),
      plugins: { journal: {}, 'systemd-unit': {}, 'docker-runtime': { host } },
    },
  });
  let calls: ApiCall[] = [];
  tapModem(node.kernel.container.resolve(DOCKER_RUNTIME.Engine).client.modem as Modem, () => calls);
  return {
    node,
    units: node.kernel.container.resolve(CORE.UnitManager),
    docker: dockerClient(host),
    take: () => {
      const taken = calls;
      calls = [];
      return taken;
    },
  };
}

async function flotillaCycle(rig: FlotillaRig, i: number, startCalls: ApiCall[][], stopCalls: ApiCall[][]): Promise<Cycle> {
  const unit = `bench-${i}.service`;
  const name = `bench-${i}`;
  await rig.units.load(unit, unitText(i));
  rig.take();
  const t0 = now();
  const started = await rig.units.start(unit);
  const startMs = now() - t0;
  startCalls.push(rig.take());
  const state = await containerState(rig.docker, name);
  if (state !== 'gone') created.add(state.id);
  if (started.activeState !== 'active' || state === 'gone' || !state.running) {
    await rig.units.stop(unit).catch(() => undefined);
    return { startMs, stopMs: Number.NaN, problem: `${unit}: ${started.activeState}, container ${state === 'gone' ? 'missing' : 'not running'}` };
  }
  const t1 = now();
  const stopped = await rig.units.stop(unit);
  const stopMs = now() - t1;
  stopCalls.push(rig.take());
  const after = await containerState(rig.docker, state.id);
  if (after === 'gone') created.delete(state.id);
  const problem =
    stopped.activeState !== 'inactive' ? `${unit}: ${stopped.activeState} (${stopped.result}) after the stop` : after !== 'gone' ? `${name} is still there after the stop` : undefined;
  return problem ? { startMs, stopMs, problem } : { startMs, stopMs };
}

// ---------------------------------------------------------------------------------------------
// 2. The docker CLI

async function dockerCli(docker: string, host: string, args: string[]): Promise<void> {
  const child = startChild(`docker ${args[0]}`, docker, ['-H', host, ...args]);
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    child.exited,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLI_DEADLINE_MS))),
  ]).finally(() => clearTimeout(timer));
  if (exit === 'timeout') {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // exited just now
    }
    throw new Error(`docker ${args.join(' ')}: no exit within ${CLI_DEADLINE_MS} ms`);
  }
  if (exit.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${exit.code ?? exit.signal}: ${child.stderrTail().trim()}`);
}

async function cliCycle(docker: string, host: string, client: Docker, i: number): Promise<Cycle> {
  const name = `bench-cli-${i}`;
  const t0 = now();
  await dockerCli(docker, host, ['run', '-d', '--name', name, IMAGE, 'sleep', '3600']);
  const startMs = now() - t0;
  const state = await containerState(client, name);
  if (state !== 'gone') created.add(state.id);
  if (state === 'gone' || !state.running) return { startMs, stopMs: Number.NaN, problem: `${name}: container ${state === 'gone' ? 'missing' : 'not running'}` };
  const t1 = now();
  await dockerCli(docker, host, ['kill', name]);
  await dockerCli(docker, host, ['rm', name]);
  const stopMs = now() - t1;
  const after = await containerState(client, state.id);
  if (after === 'gone') created.delete(state.id);
  return after === 'gone' ? { startMs, stopMs } : { startMs, stopMs, problem: `${name} is still there after docker rm` };
}

async function cliFloor(docker: string, host: string): Promise<number> {
  const t0 = now();
  await dockerCli(docker, host, ['version', '--format', '{{.Server.APIVersion}}']);
  return now() - t0;
}

/** `docker --version`'s line, or what went wrong. */
function cliVersion(docker: string): string {
  const result = spawnSync(docker, ['--version'], { encoding: 'utf8', timeout: CLI_DEADLINE_MS });
  return result.status === 0 ? result.stdout.trim() : `docker --version failed (${result.status ?? result.signal ?? result.error?.message})`;
}

// ---------------------------------------------------------------------------------------------

const spread = (values: readonly number[]) => (values.length === 0 ? '-' : `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`);

/** Median ms of each kind of call over the runs, with how many of it one run makes. */
function callTable(runs: readonly ApiCall[][]): string[][] {
  const kinds = new Map<string, { perRun: number[]; ms: number[] }>();
  for (const [r, calls] of runs.entries()) {
    for (const call of calls) {
      const entry = kinds.get(call.kind) ?? { perRun: new Array<number>(runs.length).fill(0), ms: [] };
      entry.perRun[r]!++;
      entry.ms.push(call.ms);
      kinds.set(call.kind, entry);
    }
  }
  return [...kinds].map(([kind, { perRun, ms }]) => [kind, fmt(median(perRun), 1), fmt(median(ms), 2), fmt(median(perRun) * median(ms), 1)]);
}

export async function run(): Promise<void> {
  const runs = envNumber('BENCH_DOCKER_RUNS', 20, { integer: true });
  const warmup = envNumber('BENCH_DOCKER_WARMUP', 2, { integer: true });
  const out: string[] = [''];
  const dockerBin = await findOnPath('docker');

  process.stderr.write('bench: docker: providing an engine (as the docker-runtime test suites get one)\n');
  const engine = await provideDockerEngine({ log: (line) => process.stderr.write(`bench: docker: ${line}\n`) });
  const forget = stopDockerdOnExit(engine);
  const client = dockerClient(engine.host);
  let rig: FlotillaRig | undefined;
  let leftover = 0;
  try {
    const version = await client.version();
    const info = await client.info();
    rig = await flotillaRig(engine.host);

    const flotilla: Cycle[] = [];
    const cli: Cycle[] = [];
    const floor: number[] = [];
    const startCalls: ApiCall[][] = [];
    const stopCalls: ApiCall[][] = [];
    const total = warmup + runs;
    process.stderr.write(
      `bench: docker: ${fmt(warmup)} warm-up + ${fmt(runs)} measured start/stop cycles each, flotilla and ${dockerBin ? 'the docker CLI' : 'no CLI (docker not on PATH)'}, alternating\n`,
    );
    for (let i = 0; i < total; i++) {
      const measured = i >= warmup;
      const doFlotilla = async () => {
        const calls = { start: [] as ApiCall[][], stop: [] as ApiCall[][] };
        const cycle = await flotillaCycle(rig!, i, calls.start, calls.stop);
        if (!measured) return;
        flotilla.push(cycle);
        startCalls.push(...calls.start);
        stopCalls.push(...calls.stop);
      };
      const doCli = async () => {
        if (!dockerBin) return;
        const cycle = await cliCycle(dockerBin, engine.host, client, i);
        const floorMs = await cliFloor(dockerBin, engine.host);
        if (!measured) return;
        cli.push(cycle);
        floor.push(floorMs);
      };
      if (i % 2 === 0) {
        await doFlotilla();
        await doCli();
      } else {
        await doCli();
        await doFlotilla();
      }
    }
    await rig.node.stop();
    rig = undefined;
    leftover = await removeCreated(client);

    // ---- report
    const ok = (cycles: Cycle[]) => cycles.filter((c) => !c.problem);
    const med = (cycles: Cycle[], pick: (c: Cycle) => number) => median(ok(cycles).map(pick));
    const cycleOf = (c: Cycle) => c.startMs + c.stopMs;
    const f = { start: med(flotilla, (c) => c.startMs), stop: med(flotilla, (c) => c.stopMs), cycle: med(flotilla, cycleOf) };
    const c = { start: med(cli, (x) => x.startMs), stop: med(cli, (x) => x.stopMs), cycle: med(cli, cycleOf) };
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN);
    const ratioText = (a: number, b: number) => (Number.isFinite(ratio(a, b)) ? `${fmt(ratio(a, b), 2)}x` : '-');
    const row = (label: string, fl: number, cl: number, pickF: number[], pickC: number[]) => [label, fmt(fl), spread(pickF), fmt(cl), spread(pickC), ratioText(fl, cl)];
    const problems = [...flotilla, ...cli].filter((x) => x.problem).map((x) => x.problem!);
    const driver = info.Driver;
    out.push(
      `Docker runtime: a unit 'ExecStart=/usr/bin/docker run --rm --name bench-N ${IMAGE} sleep 3600' (KillSignal=SIGKILL) on an in-process node, against the docker CLI`,
      `engine: ${engine.host} (${engine.pid === undefined ? 'already running' : `private dockerd, pid ${engine.pid}`}), Docker ${version.Version}, API ${version.ApiVersion}, ${driver} storage, image ${BUSYBOX_IMAGE}`,
      `docker CLI: ${dockerBin ? `${dockerBin}, ${cliVersion(dockerBin)}` : 'not on PATH; the anchor rows are skipped (apt-get install docker.io)'}`,
      `${fmt(runs)} measured runs each after ${fmt(warmup)} warm-up runs each, flotilla and CLI alternating; medians and ranges in ms`,
      '',
      table(
        ['measure', 'flotilla', 'range', 'docker CLI', 'range', 'flotilla / CLI'],
        [
          row('start: call → container running', f.start, c.start, ok(flotilla).map((x) => x.startMs), ok(cli).map((x) => x.startMs)),
          row('stop: call → container killed and removed', f.stop, c.stop, ok(flotilla).map((x) => x.stopMs), ok(cli).map((x) => x.stopMs)),
          row('full cycle: start + stop', f.cycle, c.cycle, ok(flotilla).map(cycleOf), ok(cli).map(cycleOf)),
        ],
      ),
      '',
      `flotilla: UnitManager.start()/stop() in this process. CLI: 'docker -H HOST run -d …' for the start, 'docker kill' + 'docker rm' for the stop, each a process spawned without a shell.`,
      `CLI floor, 'docker -H HOST version' (one process, version negotiation, one call): median ${fmt(median(floor))} ms (${spread(floor)})`,
      '',
      'Engine API calls of one flotilla start (medians; answer = headers for streams)',
      table(['call', 'per start', 'ms each', 'ms per start'], callTable(startCalls)),
      '',
      'Engine API calls of one flotilla stop',
      table(['call', 'per stop', 'ms each', 'ms per stop'], callTable(stopCalls)),
      ...(problems.length > 0 ? ['', `problems (${problems.length}): ${problems.slice(0, 5).join('; ')}`] : []),
      '',
      'Targets',
      table(
        ['target', 'measured', ''],
        [
          [`start: flotilla / CLI <= ${fmt(TARGET_RATIO, 1)}`, ratioText(f.start, c.start), Number.isFinite(ratio(f.start, c.start)) ? verdict(ratio(f.start, c.start) <= TARGET_RATIO) : 'no anchor'],
          [`full cycle: flotilla / CLI <= ${fmt(TARGET_RATIO, 1)}`, ratioText(f.cycle, c.cycle), Number.isFinite(ratio(f.cycle, c.cycle)) ? verdict(ratio(f.cycle, c.cycle) <= TARGET_RATIO) : 'no anchor'],
        ],
      ),
      '',
    );
  } finally {
    if (rig) await rig.node.stop().catch(() => undefined);
    leftover += await removeCreated(client).catch(() => 0);
    await engine.stop();
    forget();
    await removeTempDirs();
  }
  if (leftover > 0) out.push(`cleanup: ${leftover} containers were still there at the end and were removed by id`, '');
  process.stdout.write(out.join('\n'));
}
