import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import leastLoaded from '../../../plugins/fleet-constraint-least-loaded/index.js';
import { eventually, FleetNodes } from '../../support/fleet-nodes.js';

const MODULE = path.resolve('examples/constraint-max-units/index.ts');
const sleeper = '[Service]\nExecStart=/bin/sleep 3600\n';

const test = suite<{ cluster: FleetNodes }>('fleet-scheduler: a constraint loaded by module path');

test.before(async (ctx) => {
  ctx.cluster = await FleetNodes.start({
    nodes: [{}, {}],
    constraints: [leastLoaded],
    plugins: { 'constraint-max-units': { module: MODULE, max: 2 } },
  });
  await eventually('two machines registered', async () => (await ctx.cluster.machines()).length === 2);
});

test.after(async ({ cluster }) => {
  await cluster?.stop();
});

test('no machine takes more than `max` units; the fifth waits, and explain says why', async ({ cluster }) => {
  for (const i of [1, 2, 3, 4, 5]) await cluster.submit(`job${i}.service`, sleeper);
  const placements = await eventually('four units placed', async () => {
    const placed = await cluster.placements();
    return placed.size === 4 ? placed : undefined;
  });
  const perMachine = new Map<string, number>();
  for (const [, machines] of placements) for (const m of machines) perMachine.set(m, (perMachine.get(m) ?? 0) + 1);
  assert.equal([...perMachine.values()], [2, 2]);
  assert.is(placements.get('job5.service'), undefined);
  const explained = (await (await fetch(`${cluster.live()[0]!.node!.url}/v1/fleet/explain/job5.service`)).json()) as {
    machines: { rejections: { constraint: string; reason: string }[] }[];
  };
  const reasons = explained.machines.flatMap((m) => m.rejections);
  assert.equal(reasons.map((r) => r.constraint), ['max-units', 'max-units']);
  assert.match(reasons[0]!.reason, /at most 2/);
});

test.run();
