import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FLOTILLA_VERSION } from '../../../../core/index.js';
import { curl } from '../../../support/curl.js';
import { clearRegistry, machineId, SimulatedMachine, startFleetApiNode, type FleetApiNode } from './fleet-api-node.js';
import { rawRequest, type ApiResponse } from './go-api-client.js';

const api = suite<{ fleet: FleetApiNode }>('fleet api: routes on the node API server');

api.before(async (ctx) => {
  ctx.fleet = await startFleetApiNode({ pageSize: 2 });
});
api.after(async ({ fleet }) => {
  await fleet?.stop();
});
api.before.each(async ({ fleet }) => {
  fleet.running.cluster = fleet.cluster;
  await clearRegistry(fleet);
});

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const SERVICE = [{ section: 'Service', name: 'ExecStart', value: '/bin/sleep 3000' }];

function send(fleet: FleetApiNode, method: string, path: string, body?: unknown, headers: Record<string, string | string[]> = JSON_HEADERS): Promise<ApiResponse> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return rawRequest(`${fleet.url}${path}`, { method, headers: body === undefined ? {} : headers, body: text });
}

const errorBody = (code: number, message: string) => JSON.stringify({ error: { code, message } });

function assertError(response: ApiResponse, code: number, message: string): void {
  assert.is(response.status, code, response.body);
  assert.is(response.body, errorBody(code, message));
  assert.is(response.headers['content-type'], 'application/json');
}

api('every answer names the server, JSON answers are application/json, alt=json is ignored', async ({ fleet }) => {
  for (const path of ['/fleet/v1/units?alt=json', '/fleet/v1/units/none.service?alt=json', '/fleet/v1', '/fleet/v1/nowhere', '/v1-alpha/state?alt=json']) {
    const response = await send(fleet, 'GET', path);
    assert.is(response.headers.server, `flotilla/${FLOTILLA_VERSION}`, path);
    assert.is(response.headers['content-type'], 'application/json', path);
  }
  const empty = await send(fleet, 'GET', '/fleet/v1/units?alt=json');
  assert.is(empty.status, 200);
  assert.is(empty.body, '{}');
});

api('both prefixes serve the same resources; the bare prefix is 405 and unknown paths 404, with empty messages', async ({ fleet }) => {
  assert.is((await send(fleet, 'PUT', '/v1-alpha/units/a.service', { options: SERVICE })).status, 201);
  assert.is((await send(fleet, 'GET', '/fleet/v1/units/a.service')).json().name, 'a.service');
  assert.is((await send(fleet, 'GET', '/v1-alpha/units')).json().units.length, 1);
  assertError(await send(fleet, 'GET', '/fleet/v1'), 405, '');
  assertError(await send(fleet, 'POST', '/v1-alpha'), 405, '');
  for (const path of ['/fleet/v1/', '/fleet/v1/nope', '/fleet/v1/units/', '/fleet/v1/units/a.service/', '/fleet/v1/units/a/b.service', '/fleet/v1/units/a%2Fb.service', '/fleet/v1/state/', '/fleet/v1/machines/x']) {
    assertError(await send(fleet, 'GET', path), 404, '');
  }
});

api('unsupported methods get fleet 405 messages (and an Allow header); discovery answers 400', async ({ fleet }) => {
  const cases: [string, string, string][] = [
    ['POST', '/fleet/v1/units', 'only GET supported against this resource'],
    ['DELETE', '/fleet/v1/units', 'only GET supported against this resource'],
    ['HEAD', '/fleet/v1/units', ''],
    ['POST', '/fleet/v1/units/a.service', 'only GET, PUT and DELETE supported against this resource'],
    ['PATCH', '/fleet/v1/units/a.service', 'only GET, PUT and DELETE supported against this resource'],
    ['PUT', '/fleet/v1/state', 'only GET supported against this resource'],
    ['DELETE', '/fleet/v1/state/a.service', 'only GET supported against this resource'],
    ['PUT', '/fleet/v1/machines', 'only GET and PATCH supported against this resource'],
    ['DELETE', '/v1-alpha/machines', 'only GET and PATCH supported against this resource'],
  ];
  for (const [method, path, message] of cases) {
    const response = await send(fleet, method, path);
    assert.is(response.status, 405, `${method} ${path}`);
    if (method !== 'HEAD') assert.is(response.body, errorBody(405, message));
    assert.ok(response.headers.allow, `${method} ${path} has Allow`);
  }
  assertError(await send(fleet, 'POST', '/fleet/v1/discovery', {}), 400, 'only HTTP GET supported against this resource');
});

api('discovery: a Google discovery document of our resources with the $ENDPOINT root', async ({ fleet }) => {
  const response = await send(fleet, 'GET', '/fleet/v1/discovery');
  assert.is(response.status, 200);
  const doc = response.json();
  assert.is(doc.kind, 'discovery#restDescription');
  assert.is(doc.rootUrl, '$ENDPOINT/');
  assert.is(doc.servicePath, 'fleet/v1/');
  assert.equal(Object.keys(doc.resources).sort(), ['Machines', 'UnitState', 'Units']);
  assert.equal(Object.keys(doc.resources.Units.methods).sort(), ['Delete', 'Get', 'List', 'Set']);
  assert.equal(Object.keys(doc.schemas.Unit.properties), ['currentState', 'desiredState', 'machineID', 'name', 'options']);
  for (const resource of Object.values<any>(doc.resources)) {
    for (const method of Object.values<any>(resource.methods)) {
      for (const ref of [method.request?.$ref, method.response?.$ref].filter(Boolean)) assert.ok(doc.schemas[ref], `${method.id} refers to ${ref}`);
    }
  }
  assert.equal((await send(fleet, 'GET', '/v1-alpha/discovery')).json(), doc);
});

api('PUT: Content-Type must appear once and be application/json (parameters allowed), else 415', async ({ fleet }) => {
  const body = JSON.stringify({ options: SERVICE });
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', body, { 'Content-Type': 'text/plain' }), 415, 'only acceptable Content-Type is application/json');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', body, {}), 415, 'expected 1 Content-Type, got 0');
  assertError(
    await send(fleet, 'PUT', '/fleet/v1/units/a.service', body, { 'Content-Type': ['application/json', 'application/json'] }),
    415,
    'expected 1 Content-Type, got 2',
  );
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', body, { 'Content-Type': 'application/json; charset=utf-8' })).status, 201);
});

api('PUT: names are checked against the URL and systemd rules', async ({ fleet }) => {
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { name: 'b.service', options: SERVICE }), 400, 'name in URL "a.service" differs from unit name in request body "b.service"');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/foo', { options: SERVICE }), 400, 'unit name must contain "."');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/foo.bar', { options: SERVICE }), 400, 'invalid unit type: "bar"');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/%40x.service', { options: SERVICE }), 400, 'unit name cannot start in "@"');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a%24b.service', { options: SERVICE }), 400, 'invalid character "$" in unit name');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/x%40.mount', { options: SERVICE }), 400, 'unit type "mount" cannot be a template or instance');
  assertError(await send(fleet, 'PUT', `/fleet/v1/units/${'a'.repeat(250)}.service`, { options: SERVICE }), 400, 'unit name exceeds maximum length (256)');
  assert.is((await send(fleet, 'GET', '/fleet/v1/units')).body, '{}');
});

api('PUT: a new unit needs options (409), valid ones (400), and is created inactive (201, no body)', async ({ fleet }) => {
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { name: 'a.service' }), 409, 'unit does not exist and options field empty');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { desiredState: 'launched' }), 409, 'unit does not exist and options field empty');
  const machineAndGlobal = [...SERVICE, { section: 'X-Fleet', name: 'MachineID', value: machineId('1') }, { section: 'X-Fleet', name: 'Global', value: 'true' }];
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: machineAndGlobal }), 400, 'MachineID cannot be used with Global');
  const peerConflict = [...SERVICE, { section: 'X-Fleet', name: 'MachineOf', value: 'db.service' }, { section: 'X-Fleet', name: 'Conflicts', value: 'db*' }];
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: peerConflict }), 400, 'unresolvable requirements: peer "db.service" matches conflict "db*"');
  const injected = [{ section: 'Service', name: 'ExecStart', value: '/bin/true\nExecStartPre=/bin/false' }];
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: injected })).status, 400);
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE, desiredState: 'running' }), 400, 'invalid value "running" for JobState');
  assert.is((await send(fleet, 'GET', '/fleet/v1/units')).body, '{}', 'nothing was written');

  const created = await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: [...SERVICE, { section: 'X-Fleet', name: 'NoSuchKey', value: 'x' }] });
  assert.is(created.status, 201);
  assert.is(created.body, '');
  assert.is(created.headers['content-type'], undefined);
  assert.is(created.headers['content-length'], '0');
  const unit = await send(fleet, 'GET', '/fleet/v1/units/a.service');
  assert.is(
    unit.body,
    '{"currentState":"inactive","desiredState":"inactive","name":"a.service","options":[{"name":"ExecStart","section":"Service","value":"/bin/sleep 3000"},{"name":"NoSuchKey","section":"X-Fleet","value":"x"}]}',
  );
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/b.service', { options: SERVICE, desiredState: 'launched' })).status, 201);
  assert.is((await send(fleet, 'GET', '/fleet/v1/units/b.service')).json().desiredState, 'launched');
});

api('PUT on an existing unit: a state update (204), a replacement when options differ (201)', async ({ fleet }) => {
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE })).status, 201);
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { name: 'a.service' }), 409, 'must provide DesiredState to update existing unit');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE }), 409, 'must provide DesiredState to update existing unit');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/a.service', { desiredState: 'started' }), 400, 'invalid value "started" for JobState');

  const update = await send(fleet, 'PUT', '/fleet/v1/units/a.service', { desiredState: 'loaded', name: 'a.service' });
  assert.is(update.status, 204);
  assert.is(update.body, '');
  assert.is((await send(fleet, 'GET', '/fleet/v1/units/a.service')).json().desiredState, 'loaded');
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE, desiredState: 'launched' })).status, 204, 'same options + state is an update');
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', { desiredState: 'launched' })).status, 204, 'setting the same state again');
  const before = await fleet.registry.job('a.service');

  const changed = [{ section: 'Service', name: 'ExecStart', value: '/bin/sleep 4000' }];
  assertError(
    await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: [...changed, { section: 'X-Fleet', name: 'Global', value: 'true' }, { section: 'X-Fleet', name: 'MachineOf', value: 'b.service' }] }),
    400,
    'Global cannot be used with Peers',
  );
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: changed })).status, 201);
  const replaced = (await send(fleet, 'GET', '/fleet/v1/units/a.service')).json();
  assert.equal(replaced.options, [{ name: 'ExecStart', section: 'Service', value: '/bin/sleep 4000' }]);
  assert.is(replaced.desiredState, 'inactive', 'a replaced unit is submitted afresh, as fleet does');
  assert.is.not((await fleet.registry.job('a.service'))!.hash, before!.hash);
});

api('PUT: templates can be submitted but not activated', async ({ fleet }) => {
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/web%40.service', { options: SERVICE })).status, 201);
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/web%40.service', { desiredState: 'launched' }), 400, 'cannot activate template "web@.service"');
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/web%40.service', { desiredState: 'loaded' }), 400, 'cannot activate template "web@.service"');
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/web%40.service', { desiredState: 'inactive' })).status, 204);
  assertError(await send(fleet, 'PUT', '/fleet/v1/units/api%40.service', { options: SERVICE, desiredState: 'launched' }), 400, 'cannot activate template "api@.service"');
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/web%401.service', { options: SERVICE, desiredState: 'launched' })).status, 201);
  assert.equal(
    (await send(fleet, 'GET', '/fleet/v1/units')).json().units.map((u: { name: string }) => u.name),
    ['web@.service', 'web@1.service'],
  );
});

api('PUT: undecodable bodies are 400, never 500', async ({ fleet }) => {
  for (const body of ['{"name":', '[]', '"unit"', '{"options":"x"}', '{"options":[{"name":1}]}', '{"desiredState":1}', '']) {
    const response = await send(fleet, 'PUT', '/fleet/v1/units/a.service', body);
    assert.is(response.status, 400, body);
    assert.is(response.json().error.code, 400);
  }
});

api('DELETE: 204, then 404 "unit does not exist"', async ({ fleet }) => {
  await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE });
  const removed = await send(fleet, 'DELETE', '/fleet/v1/units/a.service?alt=json');
  assert.is(removed.status, 204);
  assert.is(removed.body, '');
  assertError(await send(fleet, 'DELETE', '/fleet/v1/units/a.service?alt=json'), 404, 'unit does not exist');
  assertError(await send(fleet, 'GET', '/fleet/v1/units/a.service'), 404, 'unit does not exist');
  assertError(await send(fleet, 'DELETE', '/fleet/v1/units/..'), 404, 'unit does not exist');
  assertError(await send(fleet, 'DELETE', '/fleet/v1/units/%2e%2e'), 404, 'unit does not exist');
  assertError(await send(fleet, 'GET', '/fleet/v1/units/..'), 404, 'unit does not exist');
});

api('GET /units: sorted by name, pages of pageSize with fleet tokens; a full last page points to an empty one', async ({ fleet }) => {
  for (const name of ['d.service', 'b.service', 'a.service', 'c.service']) await send(fleet, 'PUT', `/fleet/v1/units/${name}`, { options: SERVICE });
  const first = await send(fleet, 'GET', '/fleet/v1/units?alt=json');
  assert.equal(Object.keys(first.json()), ['nextPageToken', 'units']);
  assert.is(first.json().nextPageToken, 'AgACAA==');
  assert.equal(first.json().units.map((u: { name: string }) => u.name), ['a.service', 'b.service']);
  const second = await send(fleet, 'GET', '/fleet/v1/units?alt=json&nextPageToken=AgACAA%3D%3D');
  assert.equal(second.json().units.map((u: { name: string }) => u.name), ['c.service', 'd.service']);
  assert.is(second.json().nextPageToken, 'AgADAA==');
  const third = await send(fleet, 'GET', '/fleet/v1/units?alt=json&nextPageToken=AgADAA%3D%3D');
  assert.is(third.status, 200);
  assert.is(third.body, '{}');

  assertError(await send(fleet, 'GET', '/fleet/v1/units?nextPageToken=ZAACAA%3D%3D'), 400, 'token limit must be 2');
  assertError(await send(fleet, 'GET', '/fleet/v1/units?nextPageToken=AgAAAA%3D%3D'), 400, 'token page must be greater than zero');
  assertError(await send(fleet, 'GET', '/fleet/v1/units?nextPageToken=a&nextPageToken=b'), 400, 'too many values for page token');
  assertError(await send(fleet, 'GET', '/fleet/v1/units?nextPageToken=%25%25%25'), 400, 'illegal base64 data at input byte 0');
  assertError(await send(fleet, 'GET', '/fleet/v1/machines?nextPageToken=AgACAA'), 400, 'illegal base64 data at input byte 4');
  assertError(await send(fleet, 'GET', '/fleet/v1/state?nextPageToken=AgA%3D'), 400, 'unexpected EOF');
});

api('units show where they are: machineID once placed, loaded once a state exists, launched once started there', async ({ fleet }) => {
  const m1 = new SimulatedMachine(fleet.registry, machineId('1'));
  await m1.join();
  await send(fleet, 'PUT', '/fleet/v1/units/a.service', { options: SERVICE, desiredState: 'launched' });
  const view = async () => (await send(fleet, 'GET', '/fleet/v1/units/a.service')).json();
  assert.equal(await view(), { currentState: 'inactive', desiredState: 'launched', name: 'a.service', options: [{ name: 'ExecStart', section: 'Service', value: '/bin/sleep 3000' }] });
  await m1.place('a.service', 'launched');
  assert.equal([(await view()).currentState, (await view()).machineID], ['inactive', m1.id]);
  await m1.report({ 'a.service': { activeState: 'inactive' } });
  assert.is((await view()).currentState, 'loaded');
  await m1.report({ 'a.service': { activeState: 'active', subState: 'running', launched: true } });
  assert.is((await view()).currentState, 'launched');
  const listed = (await send(fleet, 'GET', '/fleet/v1/units')).json().units[0];
  assert.equal(Object.keys(listed), ['currentState', 'desiredState', 'machineID', 'name', 'options']);
});

api('a global unit: no currentState alone, inactive in the list, never a machineID', async ({ fleet }) => {
  await send(fleet, 'PUT', '/fleet/v1/units/g.service', { options: [...SERVICE, { section: 'X-Fleet', name: 'Global', value: 'true' }], desiredState: 'launched' });
  const alone = (await send(fleet, 'GET', '/fleet/v1/units/g.service')).json();
  assert.equal(Object.keys(alone), ['desiredState', 'name', 'options']);
  const listed = (await send(fleet, 'GET', '/fleet/v1/units')).json().units[0];
  assert.equal(Object.keys(listed), ['currentState', 'desiredState', 'name', 'options']);
  assert.is(listed.currentState, 'inactive');
});

api('GET /state: sorted by unit then machine, filtered by machineID and unitName (first value wins), paged', async ({ fleet }) => {
  const [m1, m2] = [new SimulatedMachine(fleet.registry, machineId('1')), new SimulatedMachine(fleet.registry, machineId('2'))];
  await m2.report({ 'b.service': { activeState: 'active', subState: 'running', hash: 'h2' }, 'a.service': { activeState: 'failed', subState: 'failed', hash: 'h1' } });
  await m1.report({ 'b.service': { activeState: 'active', subState: 'running', hash: 'h3' } });
  const all = await send(fleet, 'GET', '/fleet/v1/state?alt=json');
  assert.is(all.json().nextPageToken, 'AgACAA==');
  assert.equal(
    all.json().states.map((s: { name: string; machineID: string }) => `${s.name}@${s.machineID[0]}`),
    ['a.service@2', 'b.service@1'],
  );
  assert.is(
    JSON.stringify(all.json().states[0]),
    `{"hash":"h1","machineID":"${m2.id}","name":"a.service","systemdActiveState":"failed","systemdLoadState":"loaded","systemdSubState":"failed"}`,
  );
  const rest = await send(fleet, 'GET', '/fleet/v1/state?alt=json&nextPageToken=AgACAA%3D%3D');
  assert.equal(rest.json().states.map((s: { machineID: string }) => s.machineID), [m2.id]);
  assert.is(rest.json().nextPageToken, undefined);

  const onM2 = (await send(fleet, 'GET', `/fleet/v1/state?alt=json&machineID=${m2.id}&machineID=${m1.id}`)).json();
  assert.equal(onM2.states.map((s: { name: string }) => s.name), ['a.service', 'b.service']);
  const ofB = (await send(fleet, 'GET', '/fleet/v1/state?unitName=b.service')).json();
  assert.equal(ofB.states.map((s: { machineID: string }) => s.machineID), [m1.id, m2.id]);
  assert.is((await send(fleet, 'GET', `/fleet/v1/state?unitName=b.service&machineID=${m2.id}`)).json().states.length, 1);
  assert.is((await send(fleet, 'GET', '/fleet/v1/state?unitName=none.service')).body, '{}');
  assert.is((await send(fleet, 'GET', '/fleet/v1/state?unitName=&machineID=')).json().states.length, 2, 'empty filters filter nothing');

  const one = await send(fleet, 'GET', '/fleet/v1/state/b.service?alt=json');
  assert.is(one.status, 200);
  assert.is(one.json().machineID, m1.id, 'the first state found, by machine');
  assertError(await send(fleet, 'GET', '/fleet/v1/state/none.service?alt=json'), 404, 'unit state does not exist');
  assertError(await send(fleet, 'GET', '/fleet/v1/state/no-dot'), 404, 'unit state does not exist');
});

api('GET /machines: id, metadata (one value per key), primaryIP; paged', async ({ fleet }) => {
  const machines = ['3', '1', '2'].map((d) => new SimulatedMachine(fleet.registry, machineId(d), `10.0.0.${d}`, d === '1' ? { region: ['us-east-1'], disk: ['ssd', 'nvme'] } : {}));
  for (const machine of machines) await machine.join();
  const first = await send(fleet, 'GET', '/fleet/v1/machines?alt=json');
  assert.is(first.body, `{"machines":[{"id":"${machineId('1')}","metadata":{"disk":"ssd,nvme","region":"us-east-1"},"primaryIP":"10.0.0.1"},{"id":"${machineId('2')}","primaryIP":"10.0.0.2"}],"nextPageToken":"AgACAA=="}`);
  const second = await send(fleet, 'GET', '/fleet/v1/machines?alt=json&nextPageToken=AgACAA%3D%3D');
  assert.is(second.body, `{"machines":[{"id":"${machineId('3')}","primaryIP":"10.0.0.3"}]}`);
});

api('PATCH /machines: nested or plain values, applied in order only when all are valid; remove hides a config key', async ({ fleet }) => {
  const m1 = new SimulatedMachine(fleet.registry, machineId('1'), '10.0.0.1', { region: ['us-east-1'], disk: ['hdd'] });
  await m1.join();
  const metadata = async () => (await send(fleet, 'GET', '/fleet/v1/machines')).json().machines[0].metadata;
  const patched = await send(fleet, 'PATCH', '/fleet/v1/machines', [
    { op: 'add', path: `/${m1.id}/metadata/role`, value: { value: 'web' } },
    { op: 'replace', path: `/${m1.id}/metadata/disk`, value: 'ssd' },
    { op: 'remove', path: `/${m1.id}/metadata/region` },
    { op: 'add', path: '/not-a-machine-yet/metadata/role', value: { value: 'db' } },
  ]);
  assert.is(patched.status, 204);
  assert.is(patched.body, '');
  assert.equal(await metadata(), { disk: 'ssd', role: 'web' });

  const refused = await send(fleet, 'PATCH', '/fleet/v1/machines', [
    { op: 'replace', path: `/${m1.id}/metadata/role`, value: { value: 'cache' } },
    { op: 'add', path: `/${m1.id}/metadata/bad key`, value: { value: 'x' } },
  ]);
  assertError(refused, 400, 'machine metadata path invalid');
  assertError(await send(fleet, 'PATCH', '/fleet/v1/machines', [{ op: 'copy', path: `/${m1.id}/metadata/role` }]), 400, 'invalid op: expect add, remove, or replace');
  assertError(await send(fleet, 'PATCH', '/fleet/v1/machines', [{ op: 'add', path: `/${m1.id}/metadata/role` }]), 400, 'invalid value: add and replace require a value');
  assert.equal(await metadata(), { disk: 'ssd', role: 'web' }, 'nothing of a refused patch was applied');

  // curl's default form type still carries the JSON text, which fleet reads whatever the type.
  const viaCurl = await curl(`${fleet.url}/fleet/v1/machines`, ['-X', 'PATCH', '-d', JSON.stringify([{ op: 'replace', path: `/${m1.id}/metadata/role`, value: 'api' }])]);
  assert.is(viaCurl.status, 204);
  const untyped = await rawRequest(`${fleet.url}/fleet/v1/machines`, {
    method: 'PATCH',
    headers: { 'Transfer-Encoding': 'chunked' },
    body: JSON.stringify([{ op: 'add', path: `/${m1.id}/metadata/tier`, value: { value: '1' } }]),
  });
  assert.is(untyped.status, 204);
  assert.equal(await metadata(), { disk: 'ssd', role: 'api', tier: '1' });
  await m1.join();
  assert.equal(await metadata(), { disk: 'ssd', role: 'api', tier: '1' }, 'dynamic metadata outlives a new heartbeat');
});

api('bodies over the node limit are refused with 413', async ({ fleet }) => {
  const huge = JSON.stringify([{ op: 'add', path: '/m/metadata/k', value: { value: 'x'.repeat(1_100_000) } }]);
  assert.is((await send(fleet, 'PATCH', '/fleet/v1/machines', huge)).status, 413);
  assert.is((await send(fleet, 'PUT', '/fleet/v1/units/a.service', JSON.stringify({ options: [{ section: 'S', name: 'N', value: 'x'.repeat(1_100_000) }] }))).status, 413);
  const chunked = await rawRequest(`${fleet.url}/fleet/v1/machines`, { method: 'PATCH', headers: { 'Transfer-Encoding': 'chunked' }, body: huge });
  assert.is(chunked.status, 413);
  assert.is(chunked.json().error.code, 413);
});

api('while the scheduler is not running every fleet path answers 503 as fleetd does before it reaches etcd', async ({ fleet }) => {
  fleet.running.cluster = undefined;
  for (const [method, path] of [
    ['GET', '/fleet/v1/units?alt=json'],
    ['GET', '/fleet/v1/discovery'],
    ['PUT', '/fleet/v1/units/a.service'],
    ['GET', '/v1-alpha/machines'],
    ['GET', '/fleet/v1/nowhere'],
  ] as const) {
    const response = await send(fleet, method, path, method === 'PUT' ? { options: SERVICE } : undefined);
    assert.is(response.body, '{"error":{"code":503,"message":"fleet server unable to communicate with etcd"}}', `${method} ${path}`);
    assert.is(response.status, 503);
  }
  assert.is((await send(fleet, 'GET', '/fleet/v1/explain/a.service')).status, 503, 'under the fleet prefix, like any path there');
  assert.is((await send(fleet, 'GET', '/v1/fleet/explain/a.service')).status, 503);
});

api('explain: why a unit is (or would be) placed where it is; 404 for no such unit', async ({ fleet }) => {
  const [m1, m2] = [new SimulatedMachine(fleet.registry, machineId('1')), new SimulatedMachine(fleet.registry, machineId('2'))];
  await m1.join();
  await m2.join();
  await send(fleet, 'PUT', '/fleet/v1/units/pinned.service', { options: [...SERVICE, { section: 'X-Fleet', name: 'MachineID', value: m2.id }], desiredState: 'launched' });
  const response = await curl(`${fleet.url}/v1/fleet/explain/pinned.service`);
  assert.is(response.status, 200);
  assert.is(response.headers.server, `flotilla/${FLOTILLA_VERSION}`);
  const explanation = response.json();
  assert.is(explanation.unit, 'pinned.service');
  assert.equal(explanation.machines.map((m: { id: string }) => m.id), [m1.id, m2.id]);
  const missing = await curl(`${fleet.url}/v1/fleet/explain/none.service`);
  assert.is(missing.status, 404);
  assert.is(missing.json().error.message, 'unit none.service does not exist');
  assert.is((await curl(`${fleet.url}/v1/fleet/explain/no-dot`)).status, 404);
});

api('client mistakes never get a 5xx', async ({ fleet }) => {
  const requests: [string, string, unknown?][] = [
    ['GET', '/fleet/v1/units/%E0%A4%A'],
    ['PUT', '/fleet/v1/units/%ZZ'],
    ['PUT', '/fleet/v1/units/a.service', '{"options":[null,{"section":"Service","name":"ExecStart","value":"x"}],"desiredState":"launched"}'],
    ['PUT', '/fleet/v1/units/a.service', { options: [{ section: 'Service', name: 'ExecStart', value: 'x' }], desiredState: 7 }],
    ['PUT', '/fleet/v1/units/a.service', { options: [{}] }],
    ['PATCH', '/fleet/v1/machines', '{"broken'],
    ['PATCH', '/fleet/v1/machines', [null]],
    ['GET', '/fleet/v1/state?nextPageToken=%FF'],
    ['GET', '/fleet/v1/units?nextPageToken=____'],
    ['GET', '/fleet/v1/units/%40.service'],
    ['DELETE', '/fleet/v1/units/%2e%2e'],
  ];
  for (const [method, path, body] of requests) {
    const response = await send(fleet, method, path, body);
    assert.ok(response.status >= 200 && response.status < 500, `${method} ${path} answered ${response.status}: ${response.body}`);
  }
});

api.run();
