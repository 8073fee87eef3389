import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import leastLoaded from '../../../../plugins/fleet-constraint-least-loaded/index.js';
import { eventually, FleetNodes } from '../../../support/fleet-nodes.js';
import { tempDir } from '../../../support/temp-dir.js';
import { fleet } from './fake-fleet.js';

// `flotilla fleet …` against a whole node: raft-kv, journal, systemd-unit and the fleet scheduler.
const e2e = suite<{ cluster: FleetNodes; url: string; machine: string; dir: { path: string; cleanup(): void } }>('fleet cli: commands against a running node');

e2e.before(async (ctx) => {
  ctx.cluster = await FleetNodes.start({ nodes: [{ name: 'solo' }], constraints: [leastLoaded] });
  const node = ctx.cluster.nodes[0]!;
  ctx.url = node.node!.url;
  ctx.machine = node.machineId;
  ctx.dir = tempDir();
  writeFileSync(path.join(ctx.dir.path, 'hello.service'), '[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sh -c "echo hello from the fleet; exec sleep 3600"\n');
  // The node's API binds after its plugins start: the machine's apiUrl comes with a later heartbeat.
  await eventually('the machine registered with its API address', async () => (await ctx.cluster.registry().machines())[0]?.apiUrl !== undefined);
});
e2e.after(async ({ cluster, dir }) => {
  dir?.cleanup();
  await cluster?.stop();
});

e2e('submit, start, list the unit, see its status and journal, explain, stop and destroy it', async ({ url, machine, dir }) => {
  const short = `${machine.slice(0, 8)}...`;
  const file = path.join(dir.path, 'hello.service');

  const submitted = await fleet(url, 'submit', file);
  assert.is(submitted.code, 0, submitted.stderr);
  assert.is(submitted.stdout, 'Unit hello.service inactive\n');

  const started = await fleet(url, 'start', '--block-attempts=10', file);
  assert.is(started.code, 0, started.stderr);
  assert.match(started.stdout, new RegExp(`^Unit hello\\.service launched on ${short.replace(/\./g, '\\.')}/127\\.0\\.0\\.1\\n$`));

  const units = await fleet(url, 'list-units', '--no-legend');
  assert.is(units.stdout, `hello.service\t${short}/127.0.0.1\tactive\trunning\n`);
  const unitFiles = await fleet(url, 'list-unit-files', '--fields=unit,dstate,state,target');
  assert.is(unitFiles.stdout, `UNIT\t\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\tlaunched\tlaunched\t${short}/127.0.0.1\n`);
  const machines = await fleet(url, 'list-machines', '--no-legend', '--fields=machine,ip');
  assert.is(machines.stdout, `${short}\t127.0.0.1\n`);
  const cat = await fleet(url, 'cat', 'hello');
  assert.is(cat.stdout, '[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sh -c "echo hello from the fleet; exec sleep 3600"\n');

  const status = await fleet(url, 'status', 'hello');
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /^● hello\.service - Hello\n {5}Loaded: loaded/);
  assert.match(status.stdout, /\n {5}Active: active \(running\) since /);
  const journal = await eventually('the unit\'s line in its journal', async () => {
    const read = await fleet(url, 'journal', 'hello');
    return read.stdout.includes('hello from the fleet') ? read : undefined;
  });
  assert.is(journal.code, 0, journal.stderr);

  const explained = await fleet(url, 'explain', 'hello', '--no-legend', '--fields=machine,verdict');
  assert.is(explained.stdout, `${short}/127.0.0.1\tchosen\n`);

  const stopped = await fleet(url, 'stop', '--block-attempts=10', 'hello');
  assert.is(stopped.code, 0, stopped.stderr);
  assert.is(stopped.stdout, `Unit hello.service loaded on ${short}/127.0.0.1\n`);
  assert.is(stopped.stderr, 'Successfully stopped units [hello.service].\n');

  const destroyed = await fleet(url, 'destroy', 'hello');
  assert.is(destroyed.stdout, 'Destroyed hello.service\n');
  const empty = await fleet(url, 'list-unit-files', '--no-legend');
  assert.is(empty.stdout, '');
});

e2e.run();
