import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import conflicts from '../../../plugins/fleet-constraint-conflicts/index.js';
import machineOf from '../../../plugins/fleet-constraint-machine-of/index.js';
import { spawnCli, type RunningCli } from '../../support/cli.js';
import { eventually, FleetNodes } from '../../support/fleet-nodes.js';
import { tempDir } from '../../support/temp-dir.js';

// examples/deploy on three machines: the apps, their sidekicks announcing them under
// /services/app, and `kv render --watch` keeping an upstream list current from there.

const deploy = suite<{ cluster: FleetNodes; base: number; renderer?: RunningCli; dir: { path: string; cleanup(): void } }>(
  'raft-kv: examples/deploy on a three-machine cluster',
);

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples/deploy');
const example = (name: string) => readFileSync(path.join(EXAMPLES, name), 'utf8');

/** A port base with base+1 … base+3 free on loopback, for the apps. */
async function freeBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 400) * 100;
    if ((await free(base + 1)) && (await free(base + 2)) && (await free(base + 3))) return base;
  }
}

/**
 * The example units with this test's ports: the apps' port base, and the three nodes' API URLs
 * in place of the example cluster's. A long TTL shows that keys go because they are deleted.
 */
function units(cluster: FleetNodes, base: number): { app: string; announce: string } {
  const apis = cluster.nodes.map((n) => n.node!.url).join(' ');
  const app = example('app@.service').replace('PORT_BASE=18080', `PORT_BASE=${base}`);
  const announce = example('app-announce@.service')
    .replace('PORT_BASE=18080', `PORT_BASE=${base}`)
    .replace('TTL=10', 'TTL=120')
    .replace(/NODE_APIS=[^"]*/, `NODE_APIS=${apis}`);
  assert.ok(app.includes(`PORT_BASE=${base}`) && announce.includes(apis) && announce.includes('TTL=120'), 'the example units have the settings this test replaces');
  return { app, announce };
}

deploy.before(async (ctx) => {
  for (const tool of ['/bin/busybox', '/usr/bin/curl']) assert.ok(existsSync(tool), `${tool} is needed (sh test/provision installs it)`);
  ctx.dir = tempDir('flotilla-deploy-');
  ctx.base = await freeBase();
  ctx.cluster = await FleetNodes.start({ nodes: [{}, {}, {}], constraints: [conflicts, machineOf] });
  await eventually('three machines registered', async () => (await ctx.cluster.machines()).length === 3, 30_000);
});

deploy.after(async (ctx) => {
  if (ctx.renderer && ctx.renderer.child.exitCode === null) {
    ctx.renderer.child.kill('SIGINT');
    await ctx.renderer.exited;
  }
  await ctx.cluster?.stop();
  ctx.dir?.cleanup();
});

const announced = async (cluster: FleetNodes) => {
  const answer = await fetch(`${cluster.live()[0]!.node!.url}/v2/keys/services/app?recursive=true&sorted=true`);
  if (answer.status === 404) return {};
  const body = (await answer.json()) as { node: { nodes?: { key: string; value: string }[] } };
  return Object.fromEntries((body.node.nodes ?? []).map((n) => [n.key, n.value]));
};

const upstream = (base: number, ...instances: number[]) =>
  instances.map((i) => `    server 127.0.0.1:${base + i};  # app@${i}`).join('\n');

deploy('three apps with their sidekicks: announced under /services/app, rendered into the upstream list', async (ctx) => {
  const { cluster, base } = ctx;
  const { app, announce } = units(cluster, base);
  for (const i of [1, 2, 3]) await cluster.submit(`app@${i}.service`, app);
  for (const i of [1, 2, 3]) await cluster.submit(`app-announce@${i}.service`, announce);

  const keys = await eventually('three apps announced', async () => {
    const found = await announced(cluster);
    return Object.keys(found).length === 3 ? found : undefined;
  }, 60_000, 200);
  assert.equal(keys, Object.fromEntries([1, 2, 3].map((i) => [`/services/app/${i}`, `127.0.0.1:${base + i}`])));
  const placements = await cluster.placements();
  const machines = [1, 2, 3].map((i) => placements.get(`app@${i}.service`)?.[0]);
  assert.is(new Set(machines).size, 3, 'one app per machine');
  for (const i of [1, 2, 3]) assert.equal(placements.get(`app-announce@${i}.service`), [machines[i - 1]!], 'each sidekick beside its app');
  for (const i of [1, 2, 3]) {
    const page = await (await fetch(`http://127.0.0.1:${base + i}/`)).text();
    assert.match(page, new RegExp(`^app@${i} on .*, machine ${machines[i - 1]}\\n$`));
  }

  const out = path.join(ctx.dir.path, 'upstreams.conf');
  ctx.renderer = spawnCli([
    'kv', 'render', '--watch', '--prefix', '/services/app', '--template', path.join(EXAMPLES, 'lb.tmpl'), '--out', out,
    '--endpoint', cluster.nodes[0]!.node!.url,
  ]);
  await eventually('the upstream list with three servers', async () => existsSync(out) && readFileSync(out, 'utf8').includes(upstream(base, 1, 2, 3)), 30_000, 100);
});

deploy('an app that stops takes its key and its upstream line with it', async ({ cluster, base, dir }) => {
  await cluster.destroyUnit('app@2.service');
  await eventually('app@2 no longer announced', async () => !('/services/app/2' in (await announced(cluster))), 30_000, 100);
  const out = path.join(dir.path, 'upstreams.conf');
  await eventually('the upstream list without app@2', async () => readFileSync(out, 'utf8').includes(upstream(base, 1, 3)), 10_000, 100);
  assert.is((await cluster.activeUnits()).get('app-announce@2.service'), undefined, 'the sidekick stopped with its app');
});

/** Resolves with the action that next removes the key (delete or expire), after `index`. */
async function removal(url: string, key: string, index: number, signal: AbortSignal): Promise<string> {
  for (let waitIndex = index + 1; ; ) {
    const answer = await fetch(`${url}/v2/keys${key}?wait=true&waitIndex=${waitIndex}`, { signal });
    const event = (await answer.json()) as { action: string; node: { modifiedIndex: number } };
    if (['delete', 'expire', 'compareAndDelete'].includes(event.action)) return event.action;
    waitIndex = event.node.modifiedIndex + 1;
  }
}

deploy('a machine that stops: its app is deleted from the list, then announced again from the free machine', async ({ cluster, base, dir, renderer }) => {
  const placements = await cluster.placements();
  const survivor = cluster.nodes[0]!;
  const victim = [1, 3].map((i) => ({ i, machine: placements.get(`app@${i}.service`)![0]! })).find(({ machine }) => machine !== survivor.machineId)!;
  const free = cluster.nodes.find((n) => ![1, 3].some((i) => placements.get(`app@${i}.service`)?.[0] === n.machineId))!;
  const key = `/services/app/${victim.i}`;
  const index = Number((await fetch(`${survivor.node!.url}/v2/keys/services/app`)).headers.get('x-etcd-index'));
  const renderingsBefore = renderer!.stderr().match(/rendered /g)!.length;
  const stop = new AbortController();
  const removed = removal(survivor.node!.url, key, index, stop.signal);
  let timer: NodeJS.Timeout | undefined;
  try {
    await cluster.byMachine(victim.machine)!.stop();
    const action = await Promise.race([removed, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('nothing within 20 s'), 20_000)))]);
    assert.is(action, 'delete', 'deleted as the sidekick stopped, not left to expire');
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  await eventually(`${key} announced again`, async () => (await announced(cluster))[key] === `127.0.0.1:${base + victim.i}`, 30_000, 100);
  assert.equal((await cluster.placements()).get(`app@${victim.i}.service`), [free.machineId], 'the app moved to the machine without one');
  const out = path.join(dir.path, 'upstreams.conf');
  await eventually('the upstream list has both apps again', async () => readFileSync(out, 'utf8').includes(`upstream app {\n${upstream(base, 1, 3)}\n}`), 10_000, 100);
  const renderings = renderer!.stderr().match(/rendered .*: \d+ keys? at index \d+/g)!.slice(renderingsBefore);
  assert.equal(renderings.map((line) => line.match(/: (\d+) key/)![1]), ['1', '2'], 'one app, then both');
});

deploy.run();
