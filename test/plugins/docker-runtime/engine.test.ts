import type Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUSYBOX_IMAGE, suiteDocker, removeContainer } from '../../support/docker-engine.js';

// The engine scripts/test.mjs provides for the docker-runtime suites (DOCKER_HOST) answers, has
// busybox:latest, and runs, reports, kills and removes containers. When the run has no engine,
// every test here fails with the reason.

const engine = suite('docker-runtime: the test engine');

const LABEL = { 'org.flotilla.test': 'docker-runtime/engine' };

/** A container with no network but loopback, labelled as this suite's. */
function createBusybox(docker: Docker, cmd: string[]): Promise<Docker.Container> {
  return docker.createContainer({
    Image: BUSYBOX_IMAGE,
    Cmd: cmd,
    Labels: LABEL,
    HostConfig: { NetworkMode: 'none' },
  });
}


/** Splits a non-TTY log stream into stdout and stderr (8-byte frame headers: stream, 0, 0, 0, size). */
function demultiplex(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const stream = raw[at];
    const size = raw.readUInt32BE(at + 4);
    const payload = raw.subarray(at + 8, at + 8 + size);
    (stream === 2 ? err : out).push(payload);
    at += 8 + size;
  }
  assert.is(at, raw.length, 'the log stream ends on a frame boundary');
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

engine('answers a ping', async () => {
  const docker = suiteDocker();
  const answer = await docker.ping();
  assert.is(String(answer), 'OK');
});

engine('has busybox:latest', async () => {
  const docker = suiteDocker();
  const image = await docker.getImage(BUSYBOX_IMAGE).inspect();
  assert.ok(image.RepoTags?.includes(BUSYBOX_IMAGE), `tags: ${image.RepoTags?.join(', ')}`);
  assert.is(image.Os, 'linux');
});

engine('runs a container to its end: logs and exit code', async () => {
  const docker = suiteDocker();
  let id: string | undefined;
  try {
    const container = await createBusybox(docker, ['/bin/sh', '-c', 'echo hello; exit 3']);
    id = container.id;
    const waited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    await container.start();
    const { StatusCode } = await waited;
    assert.is(StatusCode, 3);
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
    const { stdout, stderr } = demultiplex(raw);
    assert.is(stdout, 'hello\n');
    assert.is(stderr, '');
    const state = (await container.inspect()).State;
    assert.is(state.Running, false);
    assert.is(state.ExitCode, 3);
  } finally {
    await removeContainer(docker, id);
  }
  assert.is(await docker.getContainer(id!).inspect().then(() => 200, (error: { statusCode?: number }) => error.statusCode), 404);
});

engine('kills and removes a running container', async () => {
  const docker = suiteDocker();
  let id: string | undefined;
  try {
    const container = await createBusybox(docker, ['sleep', '30']);
    id = container.id;
    await container.start();
    assert.is((await container.inspect()).State.Running, true);
    const waited = container.wait() as Promise<{ StatusCode: number }>;
    const killedAt = Date.now();
    await container.kill({ signal: 'SIGKILL' });
    const { StatusCode } = await waited;
    assert.is(StatusCode, 137, 'killed by SIGKILL (128 + 9)');
    assert.ok(Date.now() - killedAt < 10_000, 'the kill did not wait for sleep to end');
    const state = (await container.inspect()).State;
    assert.is(state.Running, false);
    await container.remove();
    id = undefined;
    const listed = await docker.listContainers({ all: true, filters: { id: [container.id] } });
    assert.equal(listed, []);
  } finally {
    await removeContainer(docker, id);
  }
});

engine.run();
