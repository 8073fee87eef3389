import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unitHash } from '../../../../plugins/fleet-scheduler/unit-file/unit-options.js';
import { clearRegistry, machineId, SimulatedMachine, startFleetApiNode, type FleetApiNode } from './fleet-api-node.js';
import { GoApiClient, type ApiResponse } from './go-api-client.js';

/*
 * The request sequences the real fleetctl (API driver) sends, replayed as reference PART 2
 * records them, with fleetctl's decisions on each answer. A simulated agent moves the units
 * between polls, as a machine would; pageSize 2 makes every list span pages.
 */

interface Ctx {
  fleet: FleetApiNode;
  client: GoApiClient;
  machines: SimulatedMachine[];
}

const replay = suite<Ctx>('fleet api: fleetctl request sequences');

const HELLO = [
  { name: 'Description', section: 'Unit', value: 'Hello World' },
  { name: 'ExecStart', section: 'Service', value: '/bin/bash -c "while true; do echo Hello; sleep 1; done"' },
  { name: 'Conflicts', section: 'X-Fleet', value: 'hello*' },
];
const HELLO_PUT =
  '{"name":"hello.service","options":[{"name":"Description","section":"Unit","value":"Hello World"},{"name":"ExecStart","section":"Service","value":"/bin/bash -c \\"while true; do echo Hello; sleep 1; done\\""},{"name":"Conflicts","section":"X-Fleet","value":"hello*"}]}';
const WEB_TEMPLATE = [
  { name: 'Description', section: 'Unit', value: 'Web %i' },
  { name: 'ExecStart', section: 'Service', value: '/usr/bin/sleep 3000' },
  { name: 'Conflicts', section: 'X-Fleet', value: 'web@*.service' },
];

replay.before(async (ctx) => {
  ctx.fleet = await startFleetApiNode({ pageSize: 2 });
  await clearRegistry(ctx.fleet);
  ctx.client = new GoApiClient(ctx.fleet.url);
  ctx.machines = ['2', '1', '3'].map((d) => new SimulatedMachine(ctx.fleet.registry, machineId(d), `127.0.0.${d}`));
  for (const machine of ctx.machines) await machine.join();
});
replay.after(async ({ fleet, client }) => {
  client?.close();
  await fleet?.stop();
});
replay.before.each(({ client }) => {
  client.log.length = 0;
});

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: fleetctl expects ${status}, got ${response.status} ${response.body}`);
}

/**
 * fleetctl's waitForState: poll GET /units/<n> until currentState is `target`. Each poll that is
 * not there yet lets the machine take one more step; running out of steps is fleetctl hanging.
 */
async function waitForUnitState(client: GoApiClient, name: string, target: string, steps: (() => Promise<void>)[] = []): Promise<any> {
  for (let poll = 0; ; poll++) {
    const response = await client.getUnit(name);
    expectStatus(response, 200, `GET /units/${name}`);
    const unit = response.json();
    if (unit.currentState === 'launched') {
      // Trap 1: from here fleetctl start reads GET /state/<n> and dereferences it; a 404 crashes it.
      expectStatus(await client.unitState(name), 200, `GET /state/${name} once launched`);
    }
    if (unit.currentState === target) return unit;
    const step = steps[poll];
    if (!step) throw new Error(`fleetctl would poll forever: ${name} stays ${unit.currentState ?? '(none)'}, wants ${target}`);
    await step();
  }
}

/** fleetctl's "on <short>.../<ip>" legend, from GET /machines (every page). */
async function machineLegend(client: GoApiClient, id: string): Promise<string> {
  const { items } = await client.listAll<{ id: string; primaryIP?: string }>('machines', 'machines');
  const machine = items.find((m) => m.id === id)!;
  return `${machine.id.slice(0, 8)}.../${machine.primaryIP ?? '-'}`;
}

/** `fleetctl submit`: look the unit up, PUT it when it is new, wait until it reads inactive. */
async function submit(client: GoApiClient, name: string, options: typeof HELLO): Promise<string> {
  const existing = await client.getUnit(name);
  if (existing.status === 200) return 'exists';
  expectStatus(existing, 404, `GET /units/${name}`);
  expectStatus(await client.setUnit(name, { name, options }), 201, `PUT /units/${name}`);
  const unit = await waitForUnitState(client, name, 'inactive');
  return `Unit ${name} ${unit.currentState}`;
}

/** The machine the engine picks, as a function of the unit: the test plays the engine and the agent. */
function startSteps(machine: SimulatedMachine, name: string) {
  return [
    () => machine.place(name, 'launched'),
    () => machine.report({ [name]: { activeState: 'activating', subState: 'start' } }),
    () => machine.report({ [name]: { activeState: 'active', subState: 'running', launched: true } }),
  ];
}

/** `fleetctl start` for a submitted unit: set launched, wait for it, then for an active state. */
async function start(client: GoApiClient, name: string, steps: (() => Promise<void>)[]): Promise<string> {
  expectStatus(await client.getUnit(name), 200, 'lookup');
  const current = await client.getUnit(name);
  if (current.json().desiredState !== 'launched') {
    expectStatus(await client.setUnit(name, { desiredState: 'launched', name }), 204, `PUT launched ${name}`);
  }
  const unit = await waitForUnitState(client, name, 'launched', steps);
  const legend = await machineLegend(client, unit.machineID);
  const state = await client.unitState(name);
  expectStatus(state, 200, `GET /state/${name}`);
  assert.is(state.json().systemdActiveState, 'active');
  assert.is(state.json().systemdLoadState, 'loaded');
  return `Unit ${name} launched on ${legend}`;
}

replay('submit: GET 404 with fleet body, PUT name+options (201), GET shows inactive', async ({ client }) => {
  const missing = await client.getUnit('hello.service');
  assert.is(missing.status, 404);
  assert.is(missing.body, '{"error":{"code":404,"message":"unit does not exist"}}');
  client.log.length = 0;

  assert.is(JSON.stringify({ name: 'hello.service', options: HELLO }), HELLO_PUT);
  assert.is(await submit(client, 'hello.service', HELLO), 'Unit hello.service inactive');
  assert.equal(client.log, [
    'GET /fleet/v1/units/hello.service?alt=json',
    'PUT /fleet/v1/units/hello.service?alt=json',
    'GET /fleet/v1/units/hello.service?alt=json',
  ]);
  const unit = await client.getUnit('hello.service');
  assert.is(unit.headers['content-type'], 'application/json');
  assert.is(
    unit.body,
    `{"currentState":"inactive","desiredState":"inactive","name":"hello.service","options":${JSON.stringify(HELLO)}}`,
  );
});

replay('submit of a unit whose registry copy differs sends no PUT; --replace PUTs the new options (201)', async ({ client, fleet }) => {
  assert.is(await submit(client, 'hello.service', HELLO), 'exists');
  const changed = HELLO.map((o) => (o.name === 'Description' ? { ...o, value: 'Hello again' } : o));
  const registryCopy = (await client.getUnit('hello.service')).json();
  assert.is.not(unitHash(registryCopy.options), unitHash(changed), 'fleetctl compares hashes of the options it gets back');
  assert.equal(registryCopy.options, HELLO, 'options come back exactly, in order');
  expectStatus(await client.setUnit('hello.service', { name: 'hello.service', options: changed }), 201, '--replace');
  assert.is((await fleet.registry.job('hello.service'))!.hash, unitHash(changed));
  expectStatus(await client.setUnit('hello.service', { name: 'hello.service', options: HELLO }), 201, 'replace back');
  assert.equal(client.log.filter((line) => line.startsWith('PUT')).length, 2);
});

replay('list-unit-files and list-machines follow nextPageToken=AgACAA%3D%3D until it is empty', async ({ client, fleet }) => {
  await fleet.registry.putUnit('a.service', WEB_TEMPLATE.slice(1, 2), 'inactive');
  await fleet.registry.putUnit('b.service', WEB_TEMPLATE.slice(1, 2), 'inactive');
  const units = await client.listAll<{ name: string }>('units', 'units');
  assert.equal(units.items.map((u) => u.name), ['a.service', 'b.service', 'hello.service']);
  const machines = await client.listAll<{ id: string }>('machines', 'machines');
  assert.equal(machines.items.map((m) => m.id), [machineId('1'), machineId('2'), machineId('3')]);
  assert.equal(client.log, [
    'GET /fleet/v1/units?alt=json',
    'GET /fleet/v1/units?alt=json&nextPageToken=AgACAA%3D%3D',
    'GET /fleet/v1/machines?alt=json',
    'GET /fleet/v1/machines?alt=json&nextPageToken=AgACAA%3D%3D',
  ]);
  assert.is(units.pages[1]!.json().nextPageToken, undefined);
  // Two units exactly fill page one after a destroy: the token still comes, page two is {}.
  expectStatus(await client.deleteUnit('a.service'), 204, 'destroy a');
  const full = await client.listAll<{ name: string }>('units', 'units');
  assert.equal(full.items.map((u) => u.name), ['b.service', 'hello.service']);
  assert.equal(full.pages.map((p) => p.body.startsWith('{"nextPageToken":"AgACAA=="') || p.body), [true, '{}']);
  expectStatus(await client.deleteUnit('b.service'), 204, 'destroy b');
});

replay('start hello.service: PUT launched (204), poll until launched — never launched without a state — then GET /state', async ({ client, machines }) => {
  const [m2] = machines;
  const steps = startSteps(m2!, 'hello.service');
  const seen: string[] = [];
  const observed = steps.map((step) => async () => {
    await step();
    seen.push((await client.getUnit('hello.service')).json().currentState);
  });
  assert.is(await start(client, 'hello.service', observed), `Unit hello.service launched on 22222222.../127.0.0.2`);
  assert.equal(seen, ['inactive', 'loaded', 'launched'], 'placed but not reported reads inactive; reported reads loaded; started reads launched');
  assert.equal(client.log.slice(0, 3), [
    'GET /fleet/v1/units/hello.service?alt=json',
    'GET /fleet/v1/units/hello.service?alt=json',
    'PUT /fleet/v1/units/hello.service?alt=json',
  ]);
  assert.ok(client.log.includes('GET /fleet/v1/machines?alt=json&nextPageToken=AgACAA%3D%3D'));
  assert.is(client.log.at(-1), 'GET /fleet/v1/state/hello.service?alt=json');
  const state = (await client.unitState('hello.service')).json();
  assert.equal(state, {
    hash: unitHash(HELLO),
    machineID: m2!.id,
    name: 'hello.service',
    systemdActiveState: 'active',
    systemdLoadState: 'loaded',
    systemdSubState: 'running',
  });
  const listed = await client.listAll<{ name: string; machineID: string; hash: string }>('state', 'states');
  assert.equal(listed.items.map((s) => [s.name, s.machineID, s.hash]), [['hello.service', m2!.id, unitHash(HELLO)]], 'list-units hash agrees with the client');
});

replay('start web@1.service from a template file: 404 for the instance, 404 for the template, PUT the instance', async ({ client, machines }) => {
  const [, m1] = machines;
  assert.is((await client.getUnit('web@1.service')).status, 404);
  assert.is((await client.getUnit('web@.service')).status, 404);
  expectStatus(await client.setUnit('web@1.service', { name: 'web@1.service', options: WEB_TEMPLATE }), 201, 'PUT instance');
  await waitForUnitState(client, 'web@1.service', 'inactive');
  assert.is(await start(client, 'web@1.service', startSteps(m1!, 'web@1.service')), 'Unit web@1.service launched on 11111111.../127.0.0.1');
  assert.equal(client.log.slice(0, 3), [
    'GET /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/units/web%40.service?alt=json',
    'PUT /fleet/v1/units/web%401.service?alt=json',
  ]);
});

replay('load --no-block web@2: submit, then PUT {"desiredState":"loaded"} (204), "Triggered unit web@2.service load"', async ({ client }) => {
  assert.is((await client.getUnit('web@2.service')).status, 404);
  assert.is((await client.getUnit('web@.service')).status, 404);
  expectStatus(await client.setUnit('web@2.service', { name: 'web@2.service', options: WEB_TEMPLATE }), 201, 'PUT instance');
  const unit = (await client.getUnit('web@2.service')).json();
  assert.is(unit.desiredState, 'inactive');
  const loaded = await client.setUnit('web@2.service', { desiredState: 'loaded', name: 'web@2.service' });
  expectStatus(loaded, 204, 'PUT loaded');
  assert.is(loaded.body, '');
  assert.is((await client.getUnit('web@2.service')).json().desiredState, 'loaded');
});

replay('stop: GET /units, PUT loaded for each launched unit, poll until loaded', async ({ client, machines }) => {
  const [m2] = machines;
  const { items } = await client.listAll<{ name: string; currentState?: string }>('units', 'units');
  const launched = items.filter((u) => u.currentState === 'launched').map((u) => u.name);
  assert.equal(launched, ['hello.service', 'web@1.service']);
  assert.is(items.find((u) => u.name === 'web@2.service')!.currentState, 'inactive', 'fleetctl refuses to stop it: Unable to stop unit web@2.service in state inactive');
  expectStatus(await client.setUnit('hello.service', { desiredState: 'loaded', name: 'hello.service' }), 204, 'PUT loaded');
  const unit = await waitForUnitState(client, 'hello.service', 'loaded', [
    () => m2!.place('hello.service', 'loaded'),
    () => m2!.report({ 'hello.service': { activeState: 'inactive', subState: 'dead' } }),
  ]);
  assert.is(`Unit hello.service loaded on ${await machineLegend(client, unit.machineID)}`, 'Unit hello.service loaded on 22222222.../127.0.0.2');
  assert.ok(client.log.includes('PUT /fleet/v1/units/hello.service?alt=json'));
});

replay('unload: PUT inactive, poll until inactive', async ({ client, machines }) => {
  const [m2] = machines;
  expectStatus(await client.setUnit('hello.service', { desiredState: 'inactive', name: 'hello.service' }), 204, 'PUT inactive');
  // The engine takes the unit off its machine; the agent then unloads it and stops reporting it.
  const unit = await waitForUnitState(client, 'hello.service', 'inactive', [
    async () => {
      await m2!.unplace('hello.service');
      await m2!.report({});
    },
  ]);
  assert.is(unit.desiredState, 'inactive');
  assert.is(unit.machineID, undefined, 'an unloaded unit is no longer placed');
  assert.is((await client.unitState('hello.service')).status, 404);
});

replay('destroy hello.service web@1.service: GET /units, DELETE each (204); a second destroy finds nothing (404 ignored)', async ({ client }) => {
  const { items } = await client.listAll<{ name: string }>('units', 'units');
  const wanted = ['hello.service', 'web@1.service'].filter((name) => items.some((u) => u.name === name));
  assert.equal(wanted, ['hello.service', 'web@1.service']);
  for (const name of wanted) {
    const response = await client.deleteUnit(name);
    assert.is(response.status, 204, name);
    assert.is(response.body, '');
  }
  assert.ok(client.log.includes('DELETE /fleet/v1/units/hello.service?alt=json'));
  assert.ok(client.log.includes('DELETE /fleet/v1/units/web%401.service?alt=json'));
  assert.is((await client.deleteUnit('hello.service')).status, 404);
  const left = await client.listAll<{ name: string }>('units', 'units');
  assert.equal(left.items.map((u) => u.name), ['web@2.service']);
});

replay('connections stay open between requests (HTTP/1.1 keep-alive)', async ({ client }) => {
  const response = await client.call('GET', 'machines');
  assert.is(response.headers.connection, 'keep-alive');
});

replay.run();
