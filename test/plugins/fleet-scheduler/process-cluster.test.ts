import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FLEET_CONSTRAINTS } from '../../../core/index.js';
import { eventually } from '../../support/fleet-nodes.js';
import { FleetHttp } from '../../support/fleet-http.js';
import { ProcessCluster, type ProcessMember } from '../../support/process-cluster.js';

const REGIONS = ['us-east-1', 'us-west-1', 'us-east-1'];

const unit = (xFleet: string) => `[Unit]\nDescription=test\n\n[Service]\nExecStart=/bin/sleep 3600\n\n[X-Fleet]\n${xFleet}\n`;

interface Ctx {
  cluster: ProcessCluster;
  /** Machine id → member. */
  members: Map<string, ProcessMember>;
}

const test = suite<Ctx>('fleet-scheduler: three `flotilla up` processes');

test.before(async (ctx) => {
  ctx.cluster = await ProcessCluster.start({
    size: 3,
    raftKv: { tick: '50ms' },
    metadata: (i) => ({ region: REGIONS[i] }),
    plugins: {
      journal: {},
      'systemd-unit': {},
      'fleet-scheduler': {},
      ...Object.fromEntries(FLEET_CONSTRAINTS.map((id) => [id, {}])),
    },
  });
  const machines = await eventually('three machines', async () => {
    const list = await new FleetHttp(ctx.cluster.members[0]!.url).machines();
    return list.length === 3 ? list : undefined;
  }, 30_000);
  ctx.members = new Map(machines.map((m) => [m.id, ctx.cluster.byName(m.name)!]));
});

test.after(async ({ cluster }) => {
  await cluster?.destroy();
});

/** Unit → machine ids it is active on, asking every running member's own supervisor. */
async function activeEverywhere({ members }: Ctx): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const [id, member] of members) {
    if (member.state !== 'running') continue;
    for (const name of await new FleetHttp(member.url).activeUnits().catch(() => [])) result.set(name, [...(result.get(name) ?? []), id]);
  }
  return result;
}

const api = ({ cluster }: Ctx) => new FleetHttp(cluster.live()[0]!.url);

test('units land by their rules, and a kill -9 moves them while X-Conflicts holds', async (ctx) => {
  const fleet = api(ctx);
  assert.is(await fleet.submit('app@1.service', unit('X-Conflicts=app@*.service')), 201);
  assert.is(await fleet.submit('app@2.service', unit('X-Conflicts=app@*.service')), 201);
  assert.is(await fleet.submit('east.service', unit('X-ConditionMachineMetadata=region=us-east-1')), 201);
  assert.is(await fleet.submit('mon.service', unit('Global=true')), 201);

  const placed = await eventually('every unit active', async () => {
    const active = await activeEverywhere(ctx);
    const ok = ['app@1.service', 'app@2.service', 'east.service'].every((u) => active.get(u)?.length === 1) && active.get('mon.service')?.length === 3;
    return ok ? active : undefined;
  }, 30_000);
  assert.is.not(placed.get('app@1.service')![0], placed.get('app@2.service')![0]);
  const eastOn = placed.get('east.service')![0]!;
  assert.is(REGIONS[ctx.members.get(eastOn)!.index], 'us-east-1');

  const violations: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const active = await activeEverywhere(ctx);
      for (const app of ['app@1.service', 'app@2.service']) if ((active.get(app)?.length ?? 0) > 1) violations.push(`${app} twice`);
      const perMachine = new Map<string, number>();
      for (const app of ['app@1.service', 'app@2.service']) for (const m of active.get(app) ?? []) perMachine.set(m, (perMachine.get(m) ?? 0) + 1);
      for (const [m, n] of perMachine) if (n > 1) violations.push(`${n} apps on ${m}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const victim = ctx.members.get(eastOn)!;
  const appsOnVictim = ['app@1.service', 'app@2.service'].filter((u) => placed.get(u)![0] === eastOn);
  await ctx.cluster.kill(victim.index);
  const otherEast = [...ctx.members].find(([id, m]) => id !== eastOn && REGIONS[m.index] === 'us-east-1')![0];
  await eventually('east.service active on the other us-east-1 machine', async () => (await activeEverywhere(ctx)).get('east.service')?.[0] === otherEast, 30_000);
  for (const app of appsOnVictim) {
    await eventually(`${app} active elsewhere`, async () => {
      const on = (await activeEverywhere(ctx)).get(app);
      return on?.length === 1 && on[0] !== eastOn;
    }, 30_000);
  }

  // Back from the dead: its leftovers are stopped, the global unit starts there again, nothing runs twice.
  await ctx.cluster.startMember(victim.index);
  await eventually('mon.service on the machine that came back', async () => (await new FleetHttp(victim.url).activeUnits()).includes('mon.service'), 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  sampling = false;
  await sampler;
  assert.equal(violations, []);
  const victimUnits = await new FleetHttp(victim.url).activeUnits();
  assert.not.ok(victimUnits.includes('east.service'), 'the unit that moved away does not come back');
});

test('a graceful stop takes the machine out of the cluster at once and its units move', async (ctx) => {
  const active = await activeEverywhere(ctx);
  const eastOn = active.get('east.service')![0]!;
  const leaving = ctx.members.get(eastOn)!;
  await ctx.cluster.stop(leaving.index);
  const left = (await api(ctx).machines()).map((m) => m.id);
  assert.not.ok(left.includes(eastOn), 'its machine key is gone before its TTL would have run out');
  const otherEast = [...ctx.members].find(([id, m]) => id !== eastOn && REGIONS[m.index] === 'us-east-1')![0];
  await eventually('east.service moved back', async () => (await activeEverywhere(ctx)).get('east.service')?.[0] === otherEast, 15_000);
  await ctx.cluster.startMember(leaving.index);
});

test.run();
