import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import conflicts from '../../../plugins/fleet-constraint-conflicts/index.js';
import global from '../../../plugins/fleet-constraint-global/index.js';
import leastLoaded from '../../../plugins/fleet-constraint-least-loaded/index.js';
import machineId from '../../../plugins/fleet-constraint-machine-id/index.js';
import machineOf from '../../../plugins/fleet-constraint-machine-of/index.js';
import metadata from '../../../plugins/fleet-constraint-metadata/index.js';
import replaces from '../../../plugins/fleet-constraint-replaces/index.js';
import { eventually, FleetNodes } from '../../support/fleet-nodes.js';

const ALL_CONSTRAINTS = [conflicts, global, leastLoaded, machineId, machineOf, metadata, replaces];

const sleeper = (extra = '') => `[Unit]\nDescription=test\n\n[Service]\nExecStart=/bin/sleep 3600\n${extra ? `\n[X-Fleet]\n${extra}\n` : ''}`;

const test = suite<{ cluster: FleetNodes }>('fleet-scheduler: three kernels in one process');

test.before(async (ctx) => {
  ctx.cluster = await FleetNodes.start({
    nodes: [{ metadata: { region: 'us-east-1', disk: 'ssd', cores: 8 } }, { metadata: { region: 'us-west-1', disk: 'hdd', cores: 2 } }, { metadata: { region: 'us-east-1', disk: 'hdd', cores: 4 } }],
    constraints: ALL_CONSTRAINTS,
  });
  await eventually('three machines registered', async () => (await ctx.cluster.machines()).length === 3);
});

test.after(async ({ cluster }) => {
  await cluster?.stop();
});

test('a submitted unit runs on exactly one machine, and the registry says where', async ({ cluster }) => {
  await cluster.submit('hello.service', sleeper());
  const running = await eventually('hello.service active', async () => (await cluster.activeUnits()).get('hello.service'));
  assert.is(running.length, 1);
  const placed = (await cluster.placements()).get('hello.service');
  assert.equal(placed, running);
  const states = await cluster.registry().states();
  assert.is(states.get(running[0]!)?.get('hello.service')?.launched, true);
});

test('X-Conflicts keeps app instances on different machines', async ({ cluster }) => {
  for (const i of [1, 2, 3]) await cluster.submit(`app@${i}.service`, sleeper('X-Conflicts=app@*.service'));
  const active = await eventually('three app instances active', async () => {
    const units = await cluster.activeUnits();
    const machines = [1, 2, 3].map((i) => units.get(`app@${i}.service`)?.[0]);
    return machines.every(Boolean) ? machines : undefined;
  });
  assert.is(new Set(active).size, 3);
  await cluster.submit('app@4.service', sleeper('X-Conflicts=app@*.service'));
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.is((await cluster.placements()).get('app@4.service'), undefined, 'a fourth instance has nowhere to go');
});

test('metadata with operators picks the matching machine', async ({ cluster }) => {
  await cluster.submit('east-big.service', sleeper('MachineMetadata=region=us-east-1\nMachineMetadata=cores>=6'));
  const placed = await eventually('east-big placed', async () => (await cluster.placements()).get('east-big.service'));
  assert.equal(placed, [cluster.nodes[0]!.machineId]);
});

test('MachineOf follows its peer; Global runs everywhere', async ({ cluster }) => {
  await cluster.submit('sidekick.service', sleeper('X-ConditionMachineOf=east-big.service'));
  const placed = await eventually('sidekick placed', async () => (await cluster.placements()).get('sidekick.service'));
  assert.equal(placed, [cluster.nodes[0]!.machineId]);
  await cluster.submit('agent.service', sleeper('Global=true'));
  const everywhere = await eventually('global on three machines', async () => {
    const on = (await cluster.activeUnits()).get('agent.service');
    return on?.length === 3 ? on : undefined;
  });
  assert.is(new Set(everywhere).size, 3);
});

test('MachineID (the short id too) pins a unit; Replaces moves the replaced unit away', async ({ cluster }) => {
  const west = cluster.nodes[1]!;
  await cluster.submit('pinned.service', sleeper(`MachineID=${west.machineId.slice(0, 8)}`));
  await eventually('pinned on the west machine', async () => (await cluster.placements()).get('pinned.service')?.[0] === west.machineId);
  await cluster.submit('successor.service', sleeper(`MachineID=${west.machineId}`));
  await eventually('successor placed', async () => (await cluster.placements()).get('successor.service')?.[0] === west.machineId);
  await cluster.destroyUnit('successor.service');
  // disk=hdd: the second or the third machine; whichever it is, `new` is sent there and `old` must leave for the other.
  await cluster.submit('old.service', sleeper('MachineMetadata=disk=hdd'));
  const oldOn = await eventually('old placed', async () => (await cluster.placements()).get('old.service')?.[0]);
  await cluster.submit('anchor.service', sleeper(`MachineID=${oldOn}`));
  await cluster.submit('new.service', sleeper('Replaces=old.service\nMachineOf=anchor.service'));
  const movedTo = await eventually('new where old was, old moved to the other hdd machine', async () => {
    const placed = await cluster.placements();
    const moved = placed.get('old.service')?.[0];
    return placed.get('new.service')?.[0] === oldOn && moved !== undefined && moved !== oldOn ? moved : undefined;
  });
  assert.ok([cluster.nodes[1]!.machineId, cluster.nodes[2]!.machineId].includes(movedTo));
});

test('a metadata change through PATCH /fleet/v1/machines moves the unit away, and back', async ({ cluster }) => {
  const east = cluster.nodes[0]!;
  const patch = (body: unknown) =>
    fetch(`${cluster.live()[1]!.node!.url}/fleet/v1/machines`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const set = await patch([{ op: 'replace', path: `/${east.machineId}/metadata/cores`, value: { value: '1' } }]);
  assert.is(set.status, 204);
  await eventually('east-big unscheduled', async () => (await cluster.placements()).get('east-big.service') === undefined);
  await eventually('east-big stopped where it ran', async () => (await cluster.activeUnits()).get('east-big.service') === undefined);
  // fleet's `remove` hides the key, config value included; `replace` brings a value back.
  const restored = await patch([{ op: 'replace', path: `/${east.machineId}/metadata/cores`, value: { value: '8' } }]);
  assert.is(restored.status, 204);
  await eventually('east-big back', async () => (await cluster.placements()).get('east-big.service')?.[0] === east.machineId);
});

test('a graceful stop moves its units at once', async ({ cluster }) => {
  const hello = (await cluster.placements()).get('hello.service')![0]!;
  const leaving = cluster.byMachine(hello)!;
  const before = Date.now();
  await leaving.stop();
  const moved = await eventually('hello.service active elsewhere', async () => {
    const on = (await cluster.activeUnits()).get('hello.service');
    return on?.length === 1 && on[0] !== hello ? on : undefined;
  }, 10_000);
  assert.ok(moved);
  assert.ok(Date.now() - before < 10_000);
});

test.run();
