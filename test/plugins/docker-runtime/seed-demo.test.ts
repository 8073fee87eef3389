import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dockerRuntimePlugin from '../../../plugins/docker-runtime/index.js';
import { NODE_LABEL, UNIT_LABEL } from '../../../plugins/docker-runtime/labels.js';
import journalPlugin from '../../../plugins/journal/index.js';
import systemdUnitPlugin from '../../../plugins/systemd-unit/index.js';
import { spawnCli, type RunningCli } from '../../support/cli.js';
import { curl } from '../../support/curl.js';
import { MadeContainers, suiteDocker } from '../../support/docker-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

// The seed's systemd demo (the 2014 talk): its two app.1.service files, verbatim, on a node with
// the journal, systemd-unit and docker-runtime plugins and the engine scripts/test.mjs provides.
// Loaded with PUT /v1/units, started through the API (docker.service comes up through Requires=),
// followed in the journal over HTTP, shown and stopped with the `flotilla` CLI in its own process.
// Every container seen is removed by id when a test ends, and every node is stopped.

const test = suite('docker-runtime: the seed demo');

const SEED_UNITS = path.resolve(import.meta.dirname, '../../../config/examples/units/seed');
/** The talk's final version: --rm, and ExecStop=/usr/bin/docker kill app1. */
const WITH_EXEC_STOP = path.join(SEED_UNITS, 'app.1.service');
/** The talk's first version: no --rm, no ExecStop=. */
const WITHOUT_RM = path.join(SEED_UNITS, 'no-rm', 'app.1.service');
const UNIT = 'app.1.service';
const CONTAINER = 'app1';
/** Bounds only keep a broken run from hanging; no test depends on how long anything takes. */
const HANG_GUARD_MS = 60_000;

const home = tempDir('flotilla-docker-seed-');
/** Container ids this suite saw, removed by id in `finally` blocks and once more at the end. */
const made = new MadeContainers();
/** Machine ids of the suite's nodes, whose containers must all be gone at the end. */
const machines = new Set<string>();

interface WireStatus {
  name: string;
  loadState: string;
  activeState: string;
  subState: string;
  result?: string;
  mainPid?: number;
  mainExec?: { setting: string; code?: string; status?: number | string };
  controlExecs: { setting: string; text: string; code?: string; status?: number | string }[];
}

function guard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gave up waiting: ${what}`)), HANG_GUARD_MS))),
  ]).finally(() => clearTimeout(timer));
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function statusCodeOf(promise: Promise<unknown>): Promise<number | 'ok'> {
  return promise.then(
    () => 'ok' as const,
    (error: { statusCode?: number }) => error.statusCode ?? -1,
  );
}

/** The container named app1, noted for removal; undefined when there is none. */
async function app1(): Promise<Docker.ContainerInspectInfo | undefined> {
  const info = await suiteDocker()
    .getContainer(CONTAINER)
    .inspect()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return undefined;
      throw error;
    });
  if (info) made.add(info.Id);
  return info;
}

/** A node of the three plugins on the suite's engine; `systemdUnit` is its systemd-unit settings. */
async function startNode(name: string, systemdUnit: Record<string, unknown> = {}): Promise<TestNode> {
  const node = await startTestNode({
    catalog: [journalPlugin, systemdUnitPlugin, dockerRuntimePlugin],
    config: {
      node: { name },
      dataDir: path.join(home.path, name),
      plugins: { journal: { flushInterval: '10ms' }, 'systemd-unit': systemdUnit, 'docker-runtime': { host: process.env.DOCKER_HOST } },
    },
  });
  machines.add(node.kernel.node!.machineId);
  return node;
}

async function unitStatus(node: TestNode, unit: string): Promise<WireStatus> {
  const answer = await curl(`${node.url}/v1/units/${unit}`);
  assert.is(answer.status, 200, answer.body);
  return answer.json();
}

/** PUT /v1/units/NAME with the file's bytes, as `curl --data-binary @FILE` sends them. */
async function loadUnitFile(node: TestNode, unit: string, file: string): Promise<WireStatus> {
  const answer = await curl(`${node.url}/v1/units/${unit}`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', `@${file}`]);
  assert.is(answer.status, 200, answer.body);
  return answer.json();
}

async function unitVerb(node: TestNode, unit: string, verb: string): Promise<WireStatus> {
  const answer = await curl(`${node.url}/v1/units/${unit}/${verb}`, ['-X', 'POST']);
  assert.is(answer.status, 200, answer.body);
  return answer.json();
}

/** `flotilla ARGS --endpoint URL` in its own process, as an operator runs it; its exit and output. */
async function cli(node: TestNode, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running: RunningCli = spawnCli([...args, '--endpoint', node.url], { NO_COLOR: '1', FORCE_COLOR: '0' });
  try {
    const exit = await guard(running.exited, `flotilla ${args.join(' ')} to exit`);
    return { code: exit.code, stdout: running.stdout(), stderr: running.stderr() };
  } finally {
    if (running.child.exitCode === null && running.child.signalCode === null && running.child.pid !== undefined) process.kill(running.child.pid, 'SIGKILL');
  }
}

/**
 * GET /v1/journal?unit=app.1.service&follow=true until `count` "Hello World" entries of the
 * container `containerId` have arrived that the journal received after the follow began: written
 * while it ran, not part of the history it shows first (the last 10 entries, as journalctl -f).
 */
async function followHelloWorld(node: TestNode, containerId: string, count: number): Promise<Record<string, string>[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no ${count} Hello World lines arrived`)), HANG_GUARD_MS);
  const sinceUs = Date.now() * 1000;
  const live = (entry: Record<string, string>) =>
    entry.MESSAGE === 'Hello World' && entry.CONTAINER_ID_FULL === containerId && Number(entry.__REALTIME_TIMESTAMP) >= sinceUs;
  const hellos: Record<string, string>[] = [];
  try {
    const response = await fetch(`${node.url}/v1/journal?unit=${UNIT}&follow=true`, { signal: controller.signal });
    assert.is(response.status, 200);
    assert.is(response.headers.get('content-type'), 'application/x-ndjson');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    while (hellos.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        const entry: Record<string, string> = JSON.parse(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (live(entry)) hellos.push(entry);
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return hellos;
}

async function journalMessages(node: TestNode, params: string): Promise<string[]> {
  const answer = await curl(`${node.url}/v1/journal?unit=${UNIT}&${params}&output=cat`);
  assert.is(answer.status, 200, answer.body);
  return answer.body.split('\n').filter((line) => line !== '');
}

/** The name app1 must be free: a container of that name is someone else's, and is not touched. */
async function assertNameFree(): Promise<void> {
  const holder = await suiteDocker()
    .getContainer(CONTAINER)
    .inspect()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return undefined;
      throw error;
    });
  assert.is(holder?.Id, undefined, `a container named ${CONTAINER} is already on the engine; this suite needs the name`);
}

test.after(async () => {
  try {
    await made.removeAll(suiteDocker());
    // Nothing of this suite's nodes may remain, whatever failed.
    const docker = suiteDocker();
    const left: string[] = [];
    for (const machineId of machines) {
      for (const container of await docker.listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${machineId}`] } })) {
        left.push(container.Names[0] ?? container.Id);
        await made.remove(docker, container.Id);
      }
    }
    assert.equal(left, [], 'containers left behind by a test');
  } finally {
    home.cleanup();
  }
});

test('the two unit files are the seed text, byte for byte', () => {
  const header = '[Unit]\nDescription=My Service 1\nRequires=docker.service\nAfter=docker.service\n\n[Service]\n';
  const loop = 'busybox /bin/sh -c "while true; do echo Hello World; sleep 1; done"';
  // The first version's ExecStart= line ends with a space in the talk; it stays.
  assert.is(readFileSync(WITHOUT_RM, 'utf8'), `${header}ExecStart=/usr/bin/docker run --name app1 ${loop} \n`);
  assert.is(readFileSync(WITH_EXEC_STOP, 'utf8'), `${header}ExecStart=/usr/bin/docker run --rm --name app1 ${loop}\nExecStop=/usr/bin/docker kill app1\n`);
});

test('with --rm and ExecStop=: Hello World in the journal every second, and a stop leaves no container', async () => {
  const docker = suiteDocker();
  await assertNameFree();
  // TimeoutStopSec= also bounds ExecStop=; the supervisor leaves that bound's timer running once
  // the command is done, which holds the test process open for as long as it lasts (90 s by
  // default). A shorter node default (DefaultTimeoutStopSec=) ends it before the run's exit check.
  const node = await startNode('seed', { defaultTimeoutStop: '5s' });
  try {
    const loaded = await loadUnitFile(node, UNIT, WITH_EXEC_STOP);
    assert.equal([loaded.loadState, loaded.activeState], ['loaded', 'inactive']);
    const engineUnit = await unitStatus(node, 'docker.service');
    assert.equal([engineUnit.loadState, engineUnit.activeState], ['loaded', 'inactive'], 'docker.service is provided, and not started by itself');

    // Requires= and After= start docker.service first: `docker info` answered, so it stays active (exited).
    const started = await unitVerb(node, UNIT, 'start');
    assert.equal([started.activeState, started.subState], ['active', 'running']);
    const engineStarted = await unitStatus(node, 'docker.service');
    assert.equal([engineStarted.activeState, engineStarted.subState, engineStarted.result], ['active', 'exited', 'success']);

    const running = await app1();
    assert.ok(running, `a container named ${CONTAINER} runs`);
    assert.is(running.State.Running, true);
    assert.is(running.Config.Image, 'busybox');
    assert.equal(running.Config.Cmd, ['/bin/sh', '-c', 'while true; do echo Hello World; sleep 1; done']);
    assert.is(running.Config.Labels[UNIT_LABEL], UNIT);
    assert.is(running.Config.Labels[NODE_LABEL], node.kernel.node!.machineId);
    // The engine runs on this machine: the unit's main PID is the container's main process.
    assert.is(started.mainPid, running.State.Pid);

    const hellos = await followHelloWorld(node, running.Id, 2);
    assert.is(hellos.length, 2);
    for (const entry of hellos) {
      assert.is(entry._SYSTEMD_UNIT, UNIT);
      assert.is(entry.SYSLOG_IDENTIFIER, 'app.1');
      assert.is(entry.PRIORITY, '6');
      assert.is(entry.CONTAINER_NAME, CONTAINER);
      assert.is(entry.IMAGE_NAME, 'busybox');
      assert.is(entry.CONTAINER_ID, running.Id.slice(0, 12));
      assert.is(entry.CONTAINER_ID_FULL, running.Id);
      assert.is(entry._PID, String(running.State.Pid));
    }
    assert.is.not(hellos[0]!.__CURSOR, hellos[1]!.__CURSOR, 'two entries, not one twice');

    const status = await cli(node, ['unit', 'status', UNIT]);
    assert.is(status.code, 0, status.stderr);
    const lines = status.stdout.trimEnd().split('\n');
    assert.is(lines[0], `● ${UNIT} - My Service 1`);
    assert.ok(lines.some((line) => /^ {5}Active: active \(running\) since /.test(line)), status.stdout);
    assert.ok(lines.includes(`   Main PID: ${running.State.Pid} (docker)`), status.stdout);
    const journalLines = lines.slice(lines.indexOf('') + 1);
    assert.ok(
      journalLines.some((line) => line.endsWith(`app.1[${running.State.Pid}]: Hello World`)),
      `no Hello World among the journal lines:\n${status.stdout}`,
    );

    // ExecStop=/usr/bin/docker kill app1 SIGKILLs the container; --rm removes it before the stop is done.
    const stop = await cli(node, ['unit', 'stop', UNIT]);
    assert.is(stop.code, 0, stop.stderr);
    assert.is(await statusCodeOf(docker.getContainer(CONTAINER).inspect()), 404, `no container named ${CONTAINER} is left`);
    assert.is(await statusCodeOf(docker.getContainer(running.Id).inspect()), 404, 'the container is gone by id too');
    assert.equal(await docker.listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${node.kernel.node!.machineId}`] } }), []);

    // What the stop leaves: the container's end, 137 (SIGKILL from `docker kill`), is recorded as the
    // main process's exit, but a stop that was asked for ends inactive (dead) with Result=success.
    // systemd would take that unclean exit as the result: failed (Result: exit-code), unless the
    // unit said SuccessExitStatus=137.
    const stopped = await unitStatus(node, UNIT);
    assert.equal([stopped.activeState, stopped.subState, stopped.result], ['inactive', 'dead', 'success']);
    assert.is(stopped.mainPid, undefined);
    assert.equal([stopped.mainExec?.code, stopped.mainExec?.status], ['exited', 137]);
    const execStop = stopped.controlExecs.find((exec) => exec.setting === 'ExecStop');
    assert.equal([execStop?.text, execStop?.code, execStop?.status], ['/usr/bin/docker kill app1', 'exited', 0]);
    const exitLine = new RegExp(`^${UNIT.replace(/\./g, '\\.')}: Main process exited, code=exited, status=137\\b`);
    await eventually(async () => {
      const messages = await journalMessages(node, 'lines=20');
      return messages.some((line) => exitLine.test(line)) && messages.includes('Stopped My Service 1.');
    }, 'the main process exit and the stop in the journal');
    const after = await cli(node, ['unit', 'status', UNIT, '-n', '6']);
    assert.is(after.code, 3, 'status exits 3: the unit is not active');
    const afterLines = after.stdout.trimEnd().split('\n');
    assert.ok(afterLines.some((line) => /^ {5}Active: inactive \(dead\) since /.test(line)), after.stdout);
    assert.ok(afterLines.includes(`   Main PID: ${running.State.Pid} (code=exited, status=137)`), after.stdout);
    const engineAfter = await unitStatus(node, 'docker.service');
    assert.equal([engineAfter.activeState, engineAfter.subState], ['active', 'exited'], 'docker.service stays up');
  } finally {
    await node.stop();
    await made.removeAll(suiteDocker());
  }
});

test('without --rm or ExecStop=: a stop ends the container after TimeoutStopSec=, and the next start replaces it', async () => {
  const docker = suiteDocker();
  await assertNameFree();
  // The container's /bin/sh is its PID 1 and has no SIGTERM handler, so the stop's SIGTERM is
  // ignored and SIGKILL follows after TimeoutStopSec=; the node's default for it is shortened here
  // (DefaultTimeoutStopSec=, 90 s unless set) so that the test does not wait 90 s.
  const node = await startNode('seed-no-rm', { defaultTimeoutStop: '2s' });
  try {
    assert.is((await loadUnitFile(node, UNIT, WITHOUT_RM)).loadState, 'loaded');
    const first = await unitVerb(node, UNIT, 'start');
    assert.equal([first.activeState, first.subState], ['active', 'running']);
    const firstContainer = await app1();
    assert.ok(firstContainer?.State.Running, `a container named ${CONTAINER} runs`);
    assert.is((await followHelloWorld(node, firstContainer.Id, 1)).length, 1, 'the first container writes to the journal');

    const stop = await cli(node, ['unit', 'stop', UNIT]);
    assert.is(stop.code, 0, stop.stderr);
    const stopped = await unitStatus(node, UNIT);
    assert.equal([stopped.activeState, stopped.subState, stopped.result], ['failed', 'failed', 'timeout']);
    const exited = await app1();
    assert.ok(exited, 'without --rm the container stays');
    assert.is(exited.Id, firstContainer.Id);
    assert.equal([exited.State.Running, exited.State.Status, exited.State.ExitCode], [false, 'exited', 137]);

    // The exited app1 was started by this node for this unit: the next start removes it and runs a new one.
    const second = await unitVerb(node, UNIT, 'start');
    assert.equal([second.activeState, second.subState], ['active', 'running']);
    const secondContainer = await app1();
    assert.ok(secondContainer?.State.Running, `a new ${CONTAINER} runs`);
    assert.is.not(secondContainer.Id, firstContainer.Id);
    assert.is(await statusCodeOf(docker.getContainer(firstContainer.Id).inspect()), 404, 'the exited one was removed');
    assert.is((await followHelloWorld(node, secondContainer.Id, 1)).length, 1, 'the second container writes to the journal');

    await unitVerb(node, UNIT, 'stop');
    assert.is((await app1())?.State.Running, false);
  } finally {
    await node.stop();
    await made.removeAll(suiteDocker());
  }
});

test.run();
