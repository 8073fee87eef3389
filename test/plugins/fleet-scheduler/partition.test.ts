import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import conflicts from '../../../plugins/fleet-constraint-conflicts/index.js';
import leastLoaded from '../../../plugins/fleet-constraint-least-loaded/index.js';
import { eventually, FleetNodes, partition } from '../../support/fleet-nodes.js';

const APP = (i: number) => `app@${i}.service`;
const appUnit = '[Unit]\nDescription=app\n\n[Service]\nExecStart=/bin/sleep 3600\n\n[X-Fleet]\nX-Conflicts=app@*.service\n';

const test = suite<{ cluster: FleetNodes }>('fleet-scheduler: a partitioned machine');

test.before(async (ctx) => {
  ctx.cluster = await FleetNodes.start({ nodes: [{}, {}, {}, {}], constraints: [conflicts, leastLoaded] });
  await eventually('four machines registered', async () => (await ctx.cluster.machines()).length === 4);
});

test.after(async ({ cluster }) => {
  await cluster?.stop().catch((error: AggregateError) => {
    throw new Error(error.errors?.map((e: Error) => e.message).join("; ") ?? String(error));
  });
});

test('stops its copies before they start elsewhere, and X-Conflicts holds at every sample', async ({ cluster }) => {
  for (const i of [1, 2, 3]) await cluster.submit(APP(i), appUnit);
  const before = await eventually('three apps active', async () => {
    const active = await cluster.activeUnits();
    return [1, 2, 3].every((i) => active.get(APP(i))?.length === 1) ? active : undefined;
  });
  const victimId = before.get(APP(1))![0]!;
  const victim = cluster.byMachine(victimId)!;

  // Every 50 ms: no machine runs two app instances, and no instance runs on two machines.
  const violations: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const active = await cluster.activeUnits();
      const perMachine = new Map<string, number>();
      for (const [unit, machines] of active) {
        if (!unit.startsWith('app@')) continue;
        if (machines.length > 1) violations.push(`${unit} on ${machines.length} machines`);
        for (const m of machines) perMachine.set(m, (perMachine.get(m) ?? 0) + 1);
      }
      for (const [m, n] of perMachine) if (n > 1) violations.push(`${n} app instances on ${m}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  partition(victim, true);
  await eventually('the partitioned machine stopped its app', async () => {
    const status = await cluster.units(victim).status(APP(1));
    return status.activeState === 'inactive' || status.activeState === 'failed';
  }, 20_000);
  const moved = await eventually('app@1 active on another machine', async () => {
    const on = (await cluster.activeUnits()).get(APP(1));
    return on?.length === 1 && on[0] !== victimId ? on[0] : undefined;
  }, 20_000);
  assert.is.not(moved, victimId);

  partition(victim, false);
  await eventually('the machine is back in the cluster', async () => (await cluster.machines()).some((m) => m.id === victimId), 20_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  sampling = false;
  await sampler;
  assert.equal(violations, []);
  const after = await cluster.activeUnits();
  for (const i of [1, 2, 3]) assert.is(after.get(APP(i))?.length, 1, `${APP(i)} runs once`);
});

test.run();
