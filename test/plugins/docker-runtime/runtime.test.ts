import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, silentLogger, type ExecHandle, type ExecSpec, type JournalEntry, type UnitManager } from '../../../core/index.js';
import dockerRuntimePlugin from '../../../plugins/docker-runtime/index.js';
import journalPlugin from '../../../plugins/journal/index.js';
import systemdUnitPlugin from '../../../plugins/systemd-unit/index.js';
import { dockerRuntimeConfigSchema } from '../../../plugins/docker-runtime/config.js';
import { DockerRuntime } from '../../../plugins/docker-runtime/docker-runtime.js';
import { parseEngineHost } from '../../../plugins/docker-runtime/engine-address.js';
import { DockerEngine, engineFromConfig } from '../../../plugins/docker-runtime/engine.js';
import { NODE_LABEL, UNIT_LABEL } from '../../../plugins/docker-runtime/labels.js';
import { BUSYBOX_IMAGE, MadeContainers, suiteDocker } from '../../support/docker-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

// The docker runtime against the engine scripts/test.mjs provides: `docker run` lines run as
// containers with their output demultiplexed, their exit codes, kills, --rm, labels, the
// environment docker gives, name conflicts, control commands, missing images and the removal of
// what a previous run left. Every container a test makes is removed by id when it ends.

const test = suite('docker-runtime: running containers');

/** A machine id of this suite's own, so that its containers are told apart from any other run's. */
const MACHINE_ID = randomBytes(16).toString('hex');
/** Bounds only keep a broken run from hanging; no test depends on how long anything takes. */
const HANG_GUARD_MS = 30_000;

/** Container ids this suite created, removed in `finally` blocks and once more at the end. */
const made = new MadeContainers();
const home = tempDir('flotilla-docker-runtime-');

function engine(): DockerEngine {
  suiteDocker(); // fails the test with the reason when the run has no engine
  return new DockerEngine(process.env.DOCKER_HOST!);
}

function runtime(options: { machineId?: string; pull?: boolean } = {}): DockerRuntime {
  return new DockerRuntime({ engine: engine(), machineId: options.machineId ?? MACHINE_ID, pull: options.pull ?? false, log: silentLogger() });
}

/** A unit's command line `docker ARGS…` as the supervisor hands it to a runtime. */
function spec(unit: string, args: string[], extra: Partial<ExecSpec> = {}): ExecSpec {
  return { unit, program: '/usr/bin/docker', argv: ['/usr/bin/docker', ...args], env: {}, ...extra };
}

/** `docker run --network none ARGS…`: the suites' engine has no bridge network. */
const run = (...args: string[]) => ['run', '--network', 'none', ...args];

const uniqueName = (what: string) => `flotilla-test-${what}-${randomBytes(4).toString('hex')}`;

async function spawnTracked(rt: DockerRuntime, execSpec: ExecSpec): Promise<ExecHandle> {
  const handle = await rt.spawn(execSpec);
  if (/^[0-9a-f]{64}$/.test(handle.id)) made.add(handle.id);
  return handle;
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}

function guard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gave up waiting: ${what}`)), HANG_GUARD_MS))),
  ]).finally(() => clearTimeout(timer));
}

async function statusCodeOf(promise: Promise<unknown>): Promise<number | 'ok'> {
  return promise.then(
    () => 'ok' as const,
    (error: { statusCode?: number }) => error.statusCode ?? -1,
  );
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.after(async () => {
  await made.removeAll(suiteDocker());
  // Nothing labelled as this suite's machine may remain, whatever failed.
  const docker = suiteDocker();
  const left = await docker.listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${MACHINE_ID}`] } });
  for (const container of left) await made.remove(docker, container.Id);
  home.cleanup();
  assert.equal(left.map((c) => c.Names[0]), [], 'containers left behind by a test');
});

test('accepts docker command lines only', () => {
  const rt = runtime();
  assert.ok(rt.accepts(spec('a.service', run(BUSYBOX_IMAGE))));
  assert.ok(rt.accepts({ unit: 'a.service', argv: ['docker', 'run', BUSYBOX_IMAGE], env: {} }));
  assert.not.ok(rt.accepts({ unit: 'a.service', program: '/bin/sh', argv: ['/bin/sh', '-c', 'docker run x'], env: {} }));
  assert.not.ok(rt.accepts({ unit: 'a.service', program: '/usr/bin/dockerd', argv: ['dockerd'], env: {} }));
});

test('runs a docker run line: stdout and stderr apart, in order, and the exit code', async () => {
  const rt = runtime();
  const handle = await spawnTracked(rt, spec('out.service', run(BUSYBOX_IMAGE, 'sh', '-c', 'echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3')));
  try {
    const [stdout, stderr, status] = await guard(Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exited]), 'the container to end');
    assert.is(stdout, 'out1\nout2\n');
    assert.is(stderr, 'err1\nerr2\n');
    assert.equal(status, { code: 3, signal: null });
    assert.equal(handle.remaining!(), []);
    assert.match(handle.id, /^[0-9a-f]{64}$/);
    const info = await suiteDocker().getContainer(handle.id).inspect();
    assert.equal(handle.journalFields, {
      CONTAINER_ID: handle.id.slice(0, 12),
      CONTAINER_ID_FULL: handle.id,
      CONTAINER_NAME: info.Name.replace(/^\//, ''),
      IMAGE_NAME: BUSYBOX_IMAGE,
    });
    assert.is(info.Config.Tty, false);
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('output of a container that ends at once is not lost', async () => {
  const rt = runtime();
  for (let i = 0; i < 3; i++) {
    const handle = await spawnTracked(rt, spec('quick.service', run('--rm', BUSYBOX_IMAGE, 'echo', `quick ${i}`)));
    try {
      const [stdout, status] = await guard(Promise.all([readAll(handle.stdout), handle.exited]), 'a quick container to end');
      assert.is(stdout, `quick ${i}\n`);
      assert.equal(status, { code: 0, signal: null });
    } finally {
      await made.remove(suiteDocker(), handle.id);
    }
  }
});

test('the container gets -e, -e NAME, --env-file, -w, -u, -h and -l, and not the unit environment', async () => {
  const dir = path.join(home.path, 'env');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'app.env'),
    ['# comment', '', 'FROM_FILE=file value with spaces', 'OVERRIDDEN=from file', 'PASSED_BY_FILE', 'UNSET_IN_UNIT', '  INDENTED="kept quotes"'].join('\n'),
  );
  const rt = runtime();
  const script = 'echo "$FOO|$FROM_FILE|$OVERRIDDEN|$FROM_UNIT|$PASSED_BY_FILE|${UNSET_IN_UNIT-unset}|$INDENTED|${SECRET-unset}"; pwd; id -u; hostname';
  const handle = await spawnTracked(
    rt,
    spec(
      'env.service',
      run(
        '-e', 'FOO=bar',
        '-e', 'OVERRIDDEN=from -e',
        '-e', 'FROM_UNIT',
        '--env-file', 'app.env',
        '-w', '/tmp',
        '-u', '65534',
        '-h', 'boxhost',
        '-l', 'tier=web',
        BUSYBOX_IMAGE, 'sh', '-c', script,
      ),
      { cwd: dir, env: { FROM_UNIT: 'unit value', PASSED_BY_FILE: 'passed', SECRET: 'not for the container', PATH: '/nowhere' } },
    ),
  );
  try {
    const [stdout, stderr, status] = await guard(Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exited]), 'the container to end');
    assert.is(stderr, '');
    assert.equal(status, { code: 0, signal: null });
    assert.equal(stdout.split('\n'), [
      'bar|file value with spaces|from -e|unit value|passed|unset|"kept quotes"|unset',
      '/tmp',
      '65534',
      'boxhost',
      '',
    ]);
    const info = await suiteDocker().getContainer(handle.id).inspect();
    assert.is(info.Config.Labels.tier, 'web');
    assert.is(info.Config.Labels[NODE_LABEL], MACHINE_ID);
    assert.is(info.Config.Labels[UNIT_LABEL], 'env.service');
    assert.not.ok(info.Config.Env.some((entry) => entry.startsWith('SECRET=')), 'the unit environment stays out');
    assert.ok(info.Config.Env.some((entry) => entry.startsWith('PATH=/usr/local/sbin')), "the image's PATH, not the unit's");
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('a missing --env-file fails the spawn with the file named', async () => {
  const rt = runtime();
  const missing = path.join(home.path, 'no-such.env');
  const error = await rt.spawn(spec('envfile.service', run('--env-file', missing, BUSYBOX_IMAGE, 'true'))).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(error, 'the spawn failed');
  assert.match(error.message, `cannot read env file ${missing}`);
});

test('kill ends a running container; exited has the code docker reports', async () => {
  const rt = runtime();
  const handle = await spawnTracked(rt, spec('kill.service', run(BUSYBOX_IMAGE, 'sleep', '300')));
  try {
    const info = await suiteDocker().getContainer(handle.id).inspect();
    assert.is(info.State.Running, true);
    // The engine runs here, so the main process is one of ours to see.
    assert.is(handle.pid, info.State.Pid);
    assert.equal(handle.remaining!(), [info.State.Pid]);
    let ended = false;
    void handle.exited.then(() => (ended = true));
    await handle.kill('SIGKILL', 'all');
    const status = await guard(handle.exited, 'the killed container to end');
    assert.ok(ended);
    assert.equal(status, { code: 137, signal: null });
    assert.equal(handle.remaining!(), []);
    await handle.kill('SIGTERM', 'main'); // no longer running: not an error
    assert.is((await suiteDocker().getContainer(handle.id).inspect()).State.Running, false, 'without --rm the container stays');
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('SIGTERM reaches the main process, which decides its exit code', async () => {
  const rt = runtime();
  const handle = await spawnTracked(
    rt,
    spec('term.service', run(BUSYBOX_IMAGE, 'sh', '-c', 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done')),
  );
  try {
    const stdout = readAll(handle.stdout);
    await eventually(async () => (await suiteDocker().getContainer(handle.id).logs({ stdout: true })).toString().includes('ready'), 'the trap to be set');
    await handle.kill('SIGTERM', 'main');
    assert.equal(await guard(handle.exited, 'the container to end on SIGTERM'), { code: 7, signal: null });
    assert.is(await guard(stdout, 'stdout to end'), 'ready\ngot TERM\n');
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('--rm removes the container once it has exited, before exited resolves', async () => {
  const rt = runtime();
  const handle = await spawnTracked(rt, spec('rm.service', run('--rm', BUSYBOX_IMAGE, 'sh', '-c', 'exit 4')));
  try {
    assert.equal(await guard(handle.exited, 'the container to end'), { code: 4, signal: null });
    assert.is(await statusCodeOf(suiteDocker().getContainer(handle.id).inspect()), 404);
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('--rm after a kill removes the container too', async () => {
  const rt = runtime();
  const handle = await spawnTracked(rt, spec('rmkill.service', run('--rm', BUSYBOX_IMAGE, 'sleep', '300')));
  try {
    await handle.kill('SIGKILL', 'all');
    assert.equal(await guard(handle.exited, 'the container to end'), { code: 137, signal: null });
    assert.is(await statusCodeOf(suiteDocker().getContainer(handle.id).inspect()), 404);
  } finally {
    await made.remove(suiteDocker(), handle.id);
  }
});

test('--name: an exited container of an earlier run of the unit is replaced', async () => {
  const rt = runtime();
  const name = uniqueName('reuse');
  const first = await spawnTracked(rt, spec('named.service', run('--name', name, BUSYBOX_IMAGE, 'echo', 'first')));
  let second: ExecHandle | undefined;
  try {
    await guard(first.exited, 'the first run to end');
    second = await spawnTracked(rt, spec('named.service', run('--name', name, BUSYBOX_IMAGE, 'echo', 'second')));
    const [stdout] = await guard(Promise.all([readAll(second.stdout), second.exited]), 'the second run to end');
    assert.is(stdout, 'second\n');
    assert.is(second.journalFields!.CONTAINER_NAME, name);
    assert.is(await statusCodeOf(suiteDocker().getContainer(first.id).inspect()), 404, 'the first container was removed');
  } finally {
    await made.remove(suiteDocker(), first.id);
    await made.remove(suiteDocker(), second?.id);
  }
});

test("--name: a running container of the unit, or another's container, is not touched", async () => {
  const docker = suiteDocker();
  const rt = runtime();
  const name = uniqueName('taken');
  const running = await spawnTracked(rt, spec('taken.service', run('--name', name, BUSYBOX_IMAGE, 'sleep', '300')));
  let foreignId: string | undefined;
  try {
    const stillRunning = await rt.spawn(spec('taken.service', run('--name', name, BUSYBOX_IMAGE, 'true'))).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.match(stillRunning ?? '', `container name "${name}" is in use by container ${running.id.slice(0, 12)} of an earlier start of taken.service, which is still running`);
    await running.kill('SIGKILL');
    await guard(running.exited, 'the container to end');

    const otherUnit = await rt.spawn(spec('other.service', run('--name', name, BUSYBOX_IMAGE, 'true'))).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.match(otherUnit ?? '', `container name "${name}" is already in use by container ${running.id.slice(0, 12)}, which this node did not start for other.service`);

    const foreignName = uniqueName('foreign');
    const foreign = await docker.createContainer({ Image: BUSYBOX_IMAGE, name: foreignName, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    foreignId = foreign.id;
    const taken = await rt.spawn(spec('foreign.service', run('--name', foreignName, BUSYBOX_IMAGE, 'true'))).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.match(taken ?? '', /which this node did not start for foreign\.service; remove it \(docker rm flotilla-test-foreign-[0-9a-f]+\) or choose another --name/);
    assert.is(await statusCodeOf(foreign.inspect()), 'ok', 'the foreign container is still there');
  } finally {
    await made.remove(docker, running.id);
    await made.remove(docker, foreignId);
  }
});

test('control commands: docker kill, stop and rm by name', async () => {
  const docker = suiteDocker();
  const rt = runtime();
  const name = uniqueName('control');
  const main = await spawnTracked(rt, spec('ctl.service', run('--name', name, BUSYBOX_IMAGE, 'sleep', '300')));
  const control = async (...args: string[]) => {
    const handle = await rt.spawn(spec('ctl.service', args));
    const [stdout, stderr, status] = await guard(Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exited]), `docker ${args.join(' ')}`);
    assert.is(stdout, '');
    assert.equal(handle.remaining!(), []);
    return { stderr, code: status.code };
  };
  try {
    assert.equal(await rt.check(spec('ctl.service', ['kill', name])), { ok: true });
    assert.equal(await control('kill', '-s', 'SIGKILL', name), { stderr: '', code: 0 });
    assert.equal(await guard(main.exited, 'the killed container to end'), { code: 137, signal: null });

    const again = await control('kill', name);
    assert.is(again.code, 1, 'killing a stopped container fails, as with docker');
    assert.match(again.stderr, `docker kill ${name}: `);
    assert.match(again.stderr, /is not running/);

    assert.equal(await control('stop', '-t', '1', name), { stderr: '', code: 0 }, 'stopping a stopped container succeeds');
    assert.equal(await control('rm', name), { stderr: '', code: 0 });
    assert.is(await statusCodeOf(docker.getContainer(main.id).inspect()), 404);

    const missing = await control('rm', name);
    assert.is(missing.code, 1);
    assert.match(missing.stderr, `docker rm ${name}: No such container: ${name}`);
    assert.equal(await control('rm', '-f', name), { stderr: '', code: 0 }, 'rm -f of a missing container succeeds, as with docker');
  } finally {
    await made.remove(docker, main.id);
  }
});

test('control commands: docker stop sends the stop signal, then SIGKILL after -t', async () => {
  const docker = suiteDocker();
  const rt = runtime();
  const name = uniqueName('stop');
  // PID 1 of a container ignores SIGTERM unless it handles it: the stop ends in SIGKILL.
  const main = await spawnTracked(rt, spec('stop.service', run('--name', name, BUSYBOX_IMAGE, 'sleep', '300')));
  try {
    const stop = await rt.spawn(spec('stop.service', ['stop', '-t', '1', name]));
    assert.equal(await guard(stop.exited, 'docker stop'), { code: 0, signal: null });
    assert.equal(await guard(main.exited, 'the container to end'), { code: 137, signal: null });
  } finally {
    await made.remove(docker, main.id);
  }
});

test('check: a missing image, an unknown flag, -d', async () => {
  const rt = runtime();
  assert.equal(await rt.check(spec('ok.service', run(BUSYBOX_IMAGE, 'true'))), { ok: true });
  assert.equal(await rt.check(spec('ok.service', run('busybox', 'true'))), { ok: true }, 'busybox is busybox:latest');
  assert.equal(await rt.check(spec('img.service', run('flotilla-test/no-such-image', 'true'))), {
    ok: false,
    reason: 'image flotilla-test/no-such-image:latest is not present on this engine; pull it or set plugins.docker-runtime.pull: true',
  });
  const spawned = await rt.spawn(spec('img.service', run('flotilla-test/no-such-image:1.0', 'true'))).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.is(spawned, 'image flotilla-test/no-such-image:1.0 is not present on this engine; pull it or set plugins.docker-runtime.pull: true');

  const unknown = await rt.check(spec('flag.service', run('--no-such-flag', BUSYBOX_IMAGE)));
  assert.is(unknown.ok, false);
  assert.match((unknown as { reason: string }).reason, '--no-such-flag');
  const detached = await rt.check(spec('flag.service', ['run', '-d', BUSYBOX_IMAGE]));
  assert.is(detached.ok, false);
  assert.match((detached as { reason: string }).reason, /remove -d/);
});

test('with pull on, a missing image is pulled (and the registry error reported)', async () => {
  const rt = runtime({ pull: true });
  // The check leaves it to the pull; the suites have no registry, so the pull itself fails.
  assert.equal(await rt.check(spec('pull.service', run('127.0.0.1:9/flotilla-test/none:1', 'true'))), { ok: true });
  const spawned = await rt.spawn(spec('pull.service', run('127.0.0.1:9/flotilla-test/none:1', 'true'))).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.match(spawned ?? '', /^pulling 127\.0\.0\.1:9\/flotilla-test\/none:1 failed: /);
});

test('control command: docker pull reports the failure on stderr with code 1', async () => {
  const rt = runtime();
  const handle = await rt.spawn(spec('pull.service', ['pull', '127.0.0.1:9/flotilla-test/none:1']));
  const [stderr, status] = await guard(Promise.all([readAll(handle.stderr), handle.exited]), 'docker pull');
  assert.equal(status, { code: 1, signal: null });
  assert.match(stderr, /^docker pull 127\.0\.0\.1:9\/flotilla-test\/none:1: pulling .* failed: /);
});

test('an unreachable engine: check and the first spawn name its address', async () => {
  const socket = path.join(home.path, 'no-engine.sock');
  const rt = new DockerRuntime({ engine: new DockerEngine(`unix://${socket}`), machineId: MACHINE_ID, pull: false, log: silentLogger() });
  const verdict = await rt.check(spec('down.service', run(BUSYBOX_IMAGE, 'true')));
  assert.equal(verdict, { ok: false, reason: `Docker engine at unix://${socket} is not reachable: connect ENOENT ${socket}` });
  const spawned = await rt.spawn(spec('down.service', run(BUSYBOX_IMAGE, 'true'))).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.is(spawned, `Docker engine at unix://${socket} is not reachable: connect ENOENT ${socket}`);
});

test('a container that cannot start is removed, and the engine says why', async () => {
  const docker = suiteDocker();
  const rt = runtime();
  const unit = 'nostart.service';
  const failure = await rt.spawn(spec(unit, run(BUSYBOX_IMAGE, '/no/such/program'))).then(
    (handle) => {
      made.add(handle.id);
      return 'started';
    },
    (e: Error) => e.message,
  );
  assert.match(failure, /^cannot start container [0-9a-f]{12} \(busybox:latest\): .*\/no\/such\/program/);
  assert.equal(await docker.listContainers({ all: true, filters: { label: [`${UNIT_LABEL}=${unit}`, `${NODE_LABEL}=${MACHINE_ID}`] } }), []);
});

test('an engine that accepts connections but does not answer: the ping gives up', async () => {
  const socket = path.join(home.path, 'silent.sock');
  const held: net.Socket[] = [];
  const server = net.createServer((connection) => held.push(connection));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const error = await new DockerEngine(`unix://${socket}`).ping(300).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.is(error, `Docker engine at unix://${socket} is not reachable: no answer within 300 ms`);
  } finally {
    for (const connection of held) connection.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('leftovers: every container of this node is removed, in any state; others stay', async () => {
  const docker = suiteDocker();
  const previousRun = randomBytes(16).toString('hex');
  const otherNode = randomBytes(16).toString('hex');
  const ids: string[] = [];
  const create = async (machineId: string, unit: string, cmd: string[]) => {
    const container = await docker.createContainer({
      Image: BUSYBOX_IMAGE,
      Cmd: cmd,
      Labels: { [NODE_LABEL]: machineId, [UNIT_LABEL]: unit },
      HostConfig: { NetworkMode: 'none' },
    });
    ids.push(container.id);
    made.add(container.id);
    return container;
  };
  try {
    const running = await create(previousRun, 'running.service', ['sleep', '300']);
    await running.start();
    const exited = await create(previousRun, 'exited.service', ['true']);
    const waited = exited.wait({ condition: 'next-exit' });
    await exited.start();
    await waited;
    const created = await create(previousRun, 'created.service', ['true']);
    const others = await create(otherNode, 'others.service', ['true']);

    const rt = runtime({ machineId: previousRun });
    const removed = await guard(rt.prepare(), 'the leftovers to be removed');
    assert.equal(
      removed.map((c) => [c.id, c.unit, c.state]).sort(),
      [
        [running.id, 'running.service', 'running'],
        [exited.id, 'exited.service', 'exited'],
        [created.id, 'created.service', 'created'],
      ].sort(),
    );
    for (const container of [running, exited, created]) assert.is(await statusCodeOf(container.inspect()), 404);
    assert.is(await statusCodeOf(others.inspect()), 'ok', "another node's container stays");
    assert.equal(await rt.prepare(), removed, 'done once');
  } finally {
    for (const id of ids) await made.remove(docker, id);
  }
});

test('inspect: load-time errors of docker lines, and nothing for other programs', () => {
  const rt = runtime();
  const line = (program: string, args: string[]) => ({ unit: 'x.service', setting: 'ExecStart', program, args, file: '/x.service', line: 3 });
  assert.is(rt.inspect(line('/usr/bin/docker', ['run', '--rm', BUSYBOX_IMAGE, 'true'])), undefined);
  assert.match(rt.inspect(line('/usr/bin/docker', ['run', '-d', BUSYBOX_IMAGE])) ?? '', /remove -d/);
  assert.match(rt.inspect(line('docker', ['exec', 'web', 'true'])) ?? '', /docker exec is not supported/);
  assert.is(rt.inspect(line('/bin/sh', ['-c', 'docker run -d x'])), undefined);
  // A $NAME word may become several words when the command runs: judged then, not at load time.
  assert.is(rt.inspect(line('/usr/bin/docker', ['$VERB', 'web'])), undefined);
});

test.run();

// The plugin in a node: it starts before systemd-unit, fails the start with the engine's address
// when it cannot reach it (unless required is false), and units run their containers through it
// with their output journaled under the container's fields.
const inNode = suite('docker-runtime: the plugin in a node');

const nodeHome = tempDir('flotilla-docker-node-');
const PLUGINS = [journalPlugin, systemdUnitPlugin, dockerRuntimePlugin];

/** systemd-unit is listed first: startsAfter, not the listing, puts docker-runtime before it. */
function nodeConfig(name: string, dockerRuntime: Record<string, unknown>): Record<string, unknown> {
  return {
    node: { name },
    dataDir: path.join(nodeHome.path, name),
    plugins: { journal: { flushInterval: '10ms' }, 'systemd-unit': {}, 'docker-runtime': dockerRuntime },
  };
}

async function withNode(name: string, dockerRuntime: Record<string, unknown>, body: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await startTestNode({ catalog: PLUGINS, config: nodeConfig(name, dockerRuntime) });
  try {
    await body(node);
  } finally {
    await node.stop();
  }
}

async function unitEntries(node: TestNode, unit: string): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for await (const entry of node.kernel.container.resolve(CORE.Journal).query({ units: [unit] })) entries.push(entry);
  return entries;
}

async function containersOfUnit(machineId: string, unit: string): Promise<Docker.ContainerInfo[]> {
  return suiteDocker().listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${machineId}`, `${UNIT_LABEL}=${unit}`] } });
}

inNode.after(() => nodeHome.cleanup());

inNode('starts before systemd-unit; an unreachable engine fails its start with the address', async () => {
  suiteDocker();
  await withNode('order', { host: process.env.DOCKER_HOST }, async (node) => {
    const ids = node.kernel.list().map((plugin) => plugin.id);
    assert.ok(ids.indexOf('docker-runtime') < ids.indexOf('systemd-unit'), ids.join(', '));
    assert.ok(node.kernel.list().every((plugin) => plugin.state === 'running'));
  });
  const socket = path.join(nodeHome.path, 'no-engine.sock');
  const failed = await startTestNode({ catalog: PLUGINS, config: nodeConfig('down', { host: `unix://${socket}` }) }).then(
    async (node) => {
      await node.stop();
      return 'started';
    },
    (error: Error) => error.message,
  );
  assert.is(failed, `plugin "docker-runtime" failed to start: Docker engine at unix://${socket} is not reachable: connect ENOENT ${socket}`);
});

inNode('with required: false the node starts, and a container unit fails with the reason', async () => {
  const socket = path.join(nodeHome.path, 'no-engine.sock');
  await withNode('optional', { host: `unix://${socket}`, required: false }, async (node) => {
    const units = node.kernel.container.resolve(CORE.UnitManager);
    await units.load('down.service', `[Service]\nExecStart=/usr/bin/docker run --rm --network none ${BUSYBOX_IMAGE} true\n`);
    const failure = await units.start('down.service').then(
      () => 'started',
      (error: Error) => error.message,
    );
    assert.match(failure, `Docker engine at unix://${socket} is not reachable`);
    assert.is((await units.status('down.service')).activeState, 'failed');
  });
});

inNode("a unit's docker run line: output journaled with the container's fields", async () => {
  suiteDocker();
  const name = uniqueName('journaled');
  await withNode('journaled', { host: process.env.DOCKER_HOST }, async (node) => {
    const units: UnitManager = node.kernel.container.resolve(CORE.UnitManager);
    await units.load(
      'hello.service',
      `[Service]\nExecStart=/usr/bin/docker run --rm --network none --name ${name} ${BUSYBOX_IMAGE} sh -c 'echo hello from the container; echo trouble >&2'\n`,
    );
    await units.start('hello.service');
    const machineId = node.kernel.node!.machineId;
    await eventually(async () => (await units.status('hello.service')).activeState === 'inactive', 'the unit to end');
    assert.is((await units.status('hello.service')).result, 'success');
    let lines: JournalEntry[] = [];
    await eventually(async () => {
      lines = (await unitEntries(node, 'hello.service')).filter((entry) => entry.fields.CONTAINER_NAME === name);
      return lines.length >= 2;
    }, 'the container output in the journal');
    const out = lines.find((entry) => entry.fields.MESSAGE === 'hello from the container');
    const err = lines.find((entry) => entry.fields.MESSAGE === 'trouble');
    assert.ok(out && err, lines.map((entry) => entry.fields.MESSAGE).join(' | '));
    assert.match(out.fields.CONTAINER_ID!, /^[0-9a-f]{12}$/);
    assert.match(out.fields.CONTAINER_ID_FULL!, /^[0-9a-f]{64}$/);
    assert.is(out.fields.CONTAINER_ID_FULL!.slice(0, 12), out.fields.CONTAINER_ID);
    assert.is(out.fields.IMAGE_NAME, BUSYBOX_IMAGE);
    assert.is(out.fields.PRIORITY, '6');
    assert.is(err.fields.PRIORITY, '3');
    assert.equal(await containersOfUnit(machineId, 'hello.service'), [], '--rm removed it');
  });
});

inNode('a [Container] unit runs until stopped; the stop signals the container and --rm removes it', async () => {
  suiteDocker();
  await withNode('section', { host: process.env.DOCKER_HOST }, async (node) => {
    const units: UnitManager = node.kernel.container.resolve(CORE.UnitManager);
    const machineId = node.kernel.node!.machineId;
    await units.load(
      'box.service',
      `[Container]\nImage=${BUSYBOX_IMAGE}\nNetwork=none\nExec=sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'\n\n[Service]\nTimeoutStopSec=20\n`,
    );
    const started = await units.start('box.service');
    assert.is(started.activeState, 'active');
    const [running] = await containersOfUnit(machineId, 'box.service');
    assert.ok(running, 'the container exists');
    made.add(running.Id);
    assert.is(running.State, 'running');
    assert.is(started.mainPid, (await suiteDocker().getContainer(running.Id).inspect()).State.Pid);
    const stopped = await guard(units.stop('box.service'), 'the unit to stop');
    assert.is(stopped.activeState, 'inactive');
    assert.is(stopped.result, 'success');
    assert.equal(await containersOfUnit(machineId, 'box.service'), []);
  });
});

inNode('a container that ignores SIGTERM is killed after TimeoutStopSec=, as systemd does (Result=timeout)', async () => {
  suiteDocker();
  await withNode('stubborn', { host: process.env.DOCKER_HOST }, async (node) => {
    const units: UnitManager = node.kernel.container.resolve(CORE.UnitManager);
    const machineId = node.kernel.node!.machineId;
    // sleep as PID 1 has no SIGTERM handler, so the kernel ignores the signal.
    await units.load('stubborn.service', `[Service]\nExecStart=/usr/bin/docker run --rm --network none ${BUSYBOX_IMAGE} sleep 300\nTimeoutStopSec=1\n`);
    await units.start('stubborn.service');
    const [running] = await containersOfUnit(machineId, 'stubborn.service');
    assert.ok(running, 'the container exists');
    made.add(running.Id);
    const stopped = await guard(units.stop('stubborn.service'), 'the unit to stop');
    assert.is(stopped.activeState, 'failed');
    assert.is(stopped.result, 'timeout');
    assert.equal(await containersOfUnit(machineId, 'stubborn.service'), []);
  });
});

inNode('a restarted node removes the containers its previous run left', async () => {
  const docker = suiteDocker();
  const config = nodeConfig('restarted', { host: process.env.DOCKER_HOST });
  const first = await startTestNode({ catalog: PLUGINS, config });
  const machineId = first.kernel.node!.machineId;
  await first.kernel.stop();
  const left = await docker.createContainer({
    Image: BUSYBOX_IMAGE,
    Cmd: ['sleep', '300'],
    Labels: { [NODE_LABEL]: machineId, [UNIT_LABEL]: 'left.service' },
    HostConfig: { NetworkMode: 'none' },
  });
  made.add(left.id);
  try {
    await left.start();
    const second = await startTestNode({ catalog: PLUGINS, config });
    try {
      assert.is(second.kernel.node!.machineId, machineId);
      assert.is(await statusCodeOf(left.inspect()), 404);
    } finally {
      await second.stop();
    }
  } finally {
    await made.remove(docker, left.id);
  }
});

inNode.run();

// Where the engine is, from the settings and DOCKER_HOST; no engine needed.
const settings = suite('docker-runtime: engine settings');

settings('engine addresses as docker reads them', () => {
  assert.equal(parseEngineHost('unix:///var/run/docker.sock'), { kind: 'unix', socketPath: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' });
  assert.equal(parseEngineHost('/run/docker.sock'), { kind: 'unix', socketPath: '/run/docker.sock', display: 'unix:///run/docker.sock' });
  assert.equal(parseEngineHost('tcp://127.0.0.1'), { kind: 'tcp', protocol: 'http', host: '127.0.0.1', port: 2375, display: 'tcp://127.0.0.1:2375' });
  assert.equal(parseEngineHost('tcp://127.0.0.1', true), { kind: 'tcp', protocol: 'https', host: '127.0.0.1', port: 2376, display: 'tcp://127.0.0.1:2376' });
  assert.equal(parseEngineHost('127.0.0.1:2380'), { kind: 'tcp', protocol: 'http', host: '127.0.0.1', port: 2380, display: 'tcp://127.0.0.1:2380' });
  assert.equal(parseEngineHost('https://[::1]:2376'), { kind: 'tcp', protocol: 'https', host: '::1', port: 2376, display: 'https://[::1]:2376' });
  assert.throws(() => parseEngineHost('ssh://me@127.0.0.1'), /ssh:\/\/ engine addresses are not supported; use unix:\/\/, tcp:\/\/, http:\/\/ or https:\/\//);
  assert.throws(() => parseEngineHost('unix://docker.sock'), /needs an absolute path/);
  assert.throws(() => parseEngineHost('tcp://127.0.0.1:2375/v1.41'), /takes no path/);
});

settings('the config: defaults, and a bad address refused when the config is loaded', () => {
  assert.equal(dockerRuntimeConfigSchema.parse({}), { pull: false, required: true });
  const bad = dockerRuntimeConfigSchema.safeParse({ host: 'ssh://me@127.0.0.1' });
  assert.is(bad.success, false);
  assert.match(bad.error!.issues[0]!.message, 'ssh:// engine addresses are not supported');
  assert.is(dockerRuntimeConfigSchema.safeParse({ tls: { ca: '/ca.pem', other: 'x' } }).success, false);
});

settings('the engine: the configured host, else DOCKER_HOST, else the standard socket', () => {
  assert.is(engineFromConfig({ host: 'tcp://127.0.0.1:2375' }, { DOCKER_HOST: 'unix:///elsewhere.sock' }).host, 'tcp://127.0.0.1:2375');
  assert.is(engineFromConfig({}, { DOCKER_HOST: 'unix:///elsewhere.sock' }).host, 'unix:///elsewhere.sock');
  assert.is(engineFromConfig({}, {}).host, 'unix:///var/run/docker.sock');
  assert.is(engineFromConfig({}, {}).local, true);
  assert.is(engineFromConfig({ host: 'tcp://127.0.0.1:2375' }, {}).local, false);
});

settings('an unreadable TLS file is named when the engine is first used', async () => {
  const engine = engineFromConfig({ host: 'tcp://127.0.0.1:2376', tls: { ca: '/nonexistent/ca.pem' } }, {});
  assert.is(engine.host, 'tcp://127.0.0.1:2376');
  const error = await engine.ping(200).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.match(error ?? '', /^cannot read plugins\.docker-runtime\.tls\.ca \(\/nonexistent\/ca\.pem\): ENOENT/);
});

settings.run();
