import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dockerRuntimePlugin from '../../../plugins/docker-runtime/index.js';
import journalPlugin from '../../../plugins/journal/index.js';
import systemdUnitPlugin from '../../../plugins/systemd-unit/index.js';
import { SYSTEMD_UNIT } from '../../../plugins/systemd-unit/tokens.js';
import { suiteDocker } from '../../support/docker-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

// A container's exit code drives the unit as a process's would: Restart= and the start limit
// apply, and the container's end is journaled as the main process's.
const test = suite('docker-runtime: exit codes and Restart=');

let node: TestNode;
let home: { path: string; cleanup(): void };

test.before(async () => {
  suiteDocker();
  home = tempDir();
  node = await startTestNode({
    catalog: [journalPlugin, systemdUnitPlugin, dockerRuntimePlugin],
    config: {
      dataDir: path.join(home.path, 'node'),
      plugins: { journal: { flushInterval: '10ms' }, 'systemd-unit': {}, 'docker-runtime': { host: process.env.DOCKER_HOST } },
    },
  });
});

test.after(async () => {
  await node?.stop();
  home?.cleanup();
});

const control = () => node.kernel.container.resolve(SYSTEMD_UNIT.Control);

async function settled(unit: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await control().detail(unit);
    if ((d.activeState === 'failed' || d.activeState === 'inactive') && d.subState !== 'auto-restart') return d;
    if (Date.now() > deadline) throw new Error(`${unit} did not settle: ${d.activeState}/${d.subState}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Restart=on-failure restarts a container that exits 3 until the start limit; a clean exit is left alone', async () => {
  const unit = (name: string, code: number) =>
    `[Unit]\nRequires=docker.service\nAfter=docker.service\nStartLimitIntervalSec=60\nStartLimitBurst=2\n[Service]\nRestart=on-failure\nRestartSec=0\nExecStart=/usr/bin/docker run --rm --name ${name} busybox sh -c 'echo run; exit ${code}'\n`;
  await control().load('crashing.service', unit('crashing', 3));
  await control().load('clean.service', unit('clean', 0));
  await control().start('crashing.service');
  await control().start('clean.service');

  const crashing = await settled('crashing.service');
  assert.is(crashing.activeState, 'failed');
  assert.is(crashing.result, 'start-limit-hit');
  assert.is(crashing.restarts, 1);
  assert.is(crashing.mainExec?.status, 3, 'the container exit code is the main process status');

  const clean = await settled('clean.service');
  assert.is(clean.activeState, 'inactive');
  assert.is(clean.result, 'success');
  assert.is(clean.restarts, 0);
});

test.run();
