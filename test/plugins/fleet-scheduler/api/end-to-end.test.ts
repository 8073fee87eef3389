import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FLOTILLA_VERSION } from '../../../../core/index.js';
import global from '../../../../plugins/fleet-constraint-global/index.js';
import { unitHash } from '../../../../plugins/fleet-scheduler/unit-file/unit-options.js';
import { eventually, FleetNodes } from '../../../support/fleet-nodes.js';
import { sleep } from './fleet-api-node.js';
import { GoApiClient } from './go-api-client.js';

/* fleetctl's submit / start / list / stop / destroy against a whole node: raft-kv, journal, systemd-unit and the scheduler. */

const e2e = suite<{ cluster: FleetNodes; client: GoApiClient; machine: string }>('fleet api: fleetctl against a running node');

const SLEEPER = [
  { name: 'Description', section: 'Unit', value: 'Sleeps' },
  { name: 'ExecStart', section: 'Service', value: '/bin/sleep 3600' },
];

e2e.before(async (ctx) => {
  ctx.cluster = await FleetNodes.start({ nodes: [{ name: 'solo' }], constraints: [global], fleet: { pageSize: 2 } });
  const node = ctx.cluster.nodes[0]!;
  ctx.machine = node.machineId;
  ctx.client = new GoApiClient(node.node!.url);
  await eventually('the machine registered', async () => (await ctx.client.call('GET', 'machines')).json().machines?.length === 1);
});
e2e.after(async ({ cluster, client }) => {
  client?.close();
  await cluster?.stop();
});

/** fleetctl's poll of GET /units/<n> (every 250 ms), with the check that would otherwise crash it once the unit reads launched. */
async function pollUnit(client: GoApiClient, name: string, target: string, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await client.getUnit(name);
    assert.is(response.status, 200, response.body);
    const unit = response.json();
    if (unit.currentState === 'launched') assert.is((await client.unitState(name)).status, 200, 'GET /state answers once currentState is launched');
    if (unit.currentState === target) return unit;
    if (Date.now() > deadline) throw new Error(`${name} still ${unit.currentState}, wanted ${target}`);
    await sleep(250);
  }
}

e2e('submit, start, list-units, stop, destroy', async ({ client, machine }) => {
  const list = await client.call('GET', 'machines');
  assert.is(list.headers.server, `flotilla/${FLOTILLA_VERSION}`);
  assert.is(list.json().machines[0].id, machine);
  assert.ok(list.json().machines[0].primaryIP);

  assert.is((await client.getUnit('sleeper.service')).status, 404);
  assert.is((await client.setUnit('sleeper.service', { name: 'sleeper.service', options: SLEEPER })).status, 201);
  const submitted = await pollUnit(client, 'sleeper.service', 'inactive');
  assert.is(submitted.desiredState, 'inactive');

  assert.is((await client.setUnit('sleeper.service', { desiredState: 'launched', name: 'sleeper.service' })).status, 204);
  const launched = await pollUnit(client, 'sleeper.service', 'launched');
  assert.is(launched.machineID, machine);
  const state = await eventually('an active state', async () => {
    const response = (await client.unitState('sleeper.service')).json();
    return response.systemdActiveState === 'active' && response.systemdLoadState === 'loaded' ? response : undefined;
  });
  assert.equal(state, {
    hash: unitHash(SLEEPER),
    machineID: machine,
    name: 'sleeper.service',
    systemdActiveState: 'active',
    systemdLoadState: 'loaded',
    systemdSubState: 'running',
  });
  const states = await client.listAll<{ name: string; hash: string }>('state', 'states');
  assert.equal(states.items.map((s) => [s.name, s.hash]), [['sleeper.service', unitHash(SLEEPER)]]);

  assert.is((await client.setUnit('sleeper.service', { desiredState: 'loaded', name: 'sleeper.service' })).status, 204);
  await pollUnit(client, 'sleeper.service', 'loaded');
  await eventually('the unit stopped', async () => (await client.unitState('sleeper.service')).json().systemdActiveState !== 'active');

  assert.is((await client.deleteUnit('sleeper.service')).status, 204);
  assert.is((await client.getUnit('sleeper.service')).status, 404);
  await eventually('its state is gone', async () => (await client.unitState('sleeper.service')).status === 404);
  assert.is((await client.call('GET', 'units')).body, '{}');
});

e2e('explain answers for a submitted unit', async ({ client, cluster }) => {
  assert.is((await client.setUnit('later.service', { name: 'later.service', options: SLEEPER })).status, 201);
  const response = await fetch(`${cluster.nodes[0]!.node!.url}/v1/fleet/explain/later.service`);
  assert.is(response.status, 200);
  const explanation = (await response.json()) as { unit: string; machines: unknown[] };
  assert.is(explanation.unit, 'later.service');
  assert.is(explanation.machines.length, 1);
  assert.is((await client.deleteUnit('later.service')).status, 204);
});

e2e.run();
