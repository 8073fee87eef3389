import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { curl } from '../../../support/curl.js';
import { APP_UNIT, STARTED_AT, startUnitNode, type UnitNode } from './unit-node.js';

// The /v1/units routes over real HTTP, in front of a fake UnitControl (the supervisor has its own tests).
const routes = suite('systemd-unit api: /v1/units routes');

let unitNode: UnitNode;
let url: string;

routes.before(async () => {
  unitNode = await startUnitNode({ api: { bodyLimit: '4kb' } });
  url = `${unitNode.node.url}/v1/units`;
});
routes.after(async () => {
  await unitNode?.node.stop();
});

const post = (suffix: string, args: string[] = []) => curl(`${url}/${suffix}`, ['-X', 'POST', ...args]);

routes('GET /v1/units lists every unit, dates as ISO strings', async () => {
  await post('app.service/start');
  const answer = await curl(url);
  assert.is(answer.status, 200);
  assert.match(answer.headers['content-type']!, /application\/json/);
  const { units } = answer.json();
  assert.equal(units.map((u: { name: string }) => u.name).sort(), ['app.service', 'broken.service', 'idle.service', 'tpl@.service']);
  const app = units.find((u: { name: string }) => u.name === 'app.service');
  assert.equal(app, {
    name: 'app.service',
    description: 'The app',
    loadState: 'loaded',
    activeState: 'active',
    subState: 'running',
    mainPid: app.mainPid,
    since: STARTED_AT.toISOString(),
  });
  assert.type(app.mainPid, 'number');
});

routes('GET /v1/units/:name answers the detail; an unknown unit is 404 in the core error shape', async () => {
  const answer = await curl(`${url}/app.service`);
  assert.is(answer.status, 200);
  const detail = answer.json();
  assert.is(detail.name, 'app.service');
  assert.is(detail.fragmentPath, path.join(unitNode.control.unitDir, 'app.service'));
  assert.equal(detail.dropInPaths, [path.join(unitNode.control.unitDir, 'app.service.d', 'override.conf')]);
  assert.is(detail.mainExec.startedAt, STARTED_AT.toISOString());
  assert.is(detail.conditionResult, true);

  const missing = await curl(`${url}/nope.service`);
  assert.is(missing.status, 404);
  assert.equal(missing.json(), { error: { code: 404, message: 'Unit nope.service not found.', requestId: missing.headers['x-request-id'] } });
});

routes('a malformed unit name is 400 with a message naming the rule, on every route', async () => {
  const cases: [string, string[]][] = [
    ['app', []],
    ['app.txt', []],
    ['a%20b.service', []],
    ['.service', []],
    [`${'a'.repeat(250)}.service`, []],
    ['app/start', ['-X', 'POST']],
    ['app/enable', ['-X', 'POST']],
    ['app/file', []],
    ['app', ['-X', 'DELETE']],
    ['app', ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', APP_UNIT]],
  ];
  for (const [suffix, args] of cases) {
    const answer = await curl(`${url}/${suffix}`, args);
    assert.is(answer.status, 400, `${args.join(' ')} ${suffix}`);
    assert.match(answer.json().error.message, /^Invalid unit name ".*": .*ends in a unit type such as \.service/);
  }
});

routes('escaped and instance names are valid', async () => {
  await unitNode.control.load('foo\\x2dbar.service', '[Unit]\nDescription=Escaped\n');
  const escaped = await curl(`${url}/${encodeURIComponent('foo\\x2dbar.service')}`);
  assert.is(escaped.status, 200);
  assert.is(escaped.json().description, 'Escaped');
  assert.is((await curl(`${url}/tpl@.service`)).status, 200);
  assert.is((await curl(`${url}/tpl@one.service`)).status, 404);
});

routes('start, stop, restart and reload answer the new status', async () => {
  const stopped = await post('app.service/stop');
  assert.is(stopped.status, 200);
  assert.equal([stopped.json().activeState, stopped.json().subState], ['inactive', 'dead']);
  const reloadInactive = await post('app.service/reload');
  assert.is(reloadInactive.status, 409);
  const started = await post('app.service/start');
  assert.is(started.status, 200);
  assert.is(started.json().activeState, 'active');
  assert.is(started.json().since, STARTED_AT.toISOString());
  const restarted = await post('app.service/restart');
  assert.is(restarted.status, 200);
  assert.is.not(restarted.json().mainPid, started.json().mainPid);
  const reloaded = await post('app.service/reload');
  assert.is(reloaded.status, 200);
  assert.is(reloaded.json().activeState, 'active');
});

routes('a failed job is 409 with its message; a job on an unknown unit is 404', async () => {
  const failed = await post('broken.service/start');
  assert.is(failed.status, 409);
  assert.is(failed.json().error.message, 'Job for broken.service failed because the control process exited with error code.');
  assert.is((await curl(`${url}/broken.service`)).json().activeState, 'failed');
  for (const verb of ['start', 'stop', 'restart', 'reload', 'enable', 'disable', 'reset-failed']) {
    const missing = await post(`ghost.service/${verb}`);
    assert.is(missing.status, 404, verb);
    assert.is(missing.json().error.message, 'Unit ghost.service not found.');
  }
  assert.is((await post('app.service/frobnicate')).status, 404);
});

routes('reset-failed of one unit answers its status; of all units it is 204', async () => {
  await post('broken.service/start');
  const reset = await post('broken.service/reset-failed');
  assert.is(reset.status, 200);
  assert.equal([reset.json().activeState, reset.json().subState], ['inactive', 'dead']);
  await post('broken.service/start');
  const all = await post('reset-failed');
  assert.is(all.status, 204);
  assert.is(all.body, '');
  assert.ok(unitNode.control.calls.includes('reset-failed'));
  assert.is((await curl(`${url}/broken.service`)).json().activeState, 'inactive');
});

routes('enable reports the links made with their targets, disable the links removed', async () => {
  const enabled = await post('app.service/enable');
  assert.is(enabled.status, 200);
  const link = path.join(unitNode.control.unitDir, 'multi-user.target.wants', 'app.service');
  const fragment = path.join(unitNode.control.unitDir, 'app.service');
  assert.equal(enabled.json(), { changes: [{ type: 'symlink', path: link, target: readlinkSync(link) }] });
  assert.is(readlinkSync(link), fragment);
  assert.is((await curl(`${url}/app.service`)).json().unitFileState, 'enabled');

  const disabled = await post('app.service/disable');
  assert.is(disabled.status, 200);
  assert.equal(disabled.json(), { changes: [{ type: 'unlink', path: link }] });

  // A link that cannot be read back points, as far as the answer knows, at the unit's file.
  const phantom = await post('idle.service/enable');
  assert.equal(phantom.json(), {
    changes: [{ type: 'symlink', path: '/nowhere/multi-user.target.wants/idle.service', target: path.join(unitNode.control.unitDir, 'idle.service') }],
  });
  await post('idle.service/disable');
});

routes('GET /v1/units/:name/file answers the unit file and its drop-ins', async () => {
  const answer = await curl(`${url}/app.service/file`);
  assert.is(answer.status, 200);
  assert.equal(answer.json(), {
    files: [
      { path: path.join(unitNode.control.unitDir, 'app.service'), text: APP_UNIT },
      { path: path.join(unitNode.control.unitDir, 'app.service.d', 'override.conf'), text: '[Service]\nNice=5\n' },
    ],
  });
  assert.is((await curl(`${url}/nope.service/file`)).status, 404);
});

routes('PUT loads a unit from text/plain, JSON {content} or a form-typed body taken as sent', async () => {
  const text = '[Unit]\nDescription=New one\n\n[Service]\nExecStart=/bin/sh -c "a=1&b=2 exec sleep 1"\n';
  const plain = await curl(`${url}/new.service`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', text]);
  assert.is(plain.status, 200);
  assert.equal([plain.json().name, plain.json().loadState, plain.json().activeState], ['new.service', 'loaded', 'inactive']);
  assert.is(unitNode.control.units.get('new.service')!.content, text);

  const json = await curl(`${url}/json.service`, ['-X', 'PUT', '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify({ content: text })]);
  assert.is(json.status, 200);
  assert.is(unitNode.control.units.get('json.service')!.content, text);

  const form = await curl(`${url}/form.service`, ['-X', 'PUT', '--data-binary', text]);
  assert.is(form.status, 200);
  assert.is(unitNode.control.units.get('form.service')!.content, text);

  const bad = await curl(`${url}/bad.service`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', '[Service]\nBogus=1\n']);
  assert.is(bad.status, 200);
  assert.is(bad.json().loadState, 'bad-setting');
});

routes('PUT refuses a body it cannot take as a unit file with a 4xx', async () => {
  const noContent = await curl(`${url}/x.service`, ['-X', 'PUT', '-H', 'Content-Type: application/json', '--data-binary', '{"text":"[Unit]"}']);
  assert.is(noContent.status, 400);
  assert.match(noContent.json().error.message, /"content"/);
  const brokenJson = await curl(`${url}/x.service`, ['-X', 'PUT', '-H', 'Content-Type: application/json', '--data-binary', '{"content":']);
  assert.is(brokenJson.status, 400);
  const binary = await curl(`${url}/x.service`, ['-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '--data-binary', '[Unit]\n']);
  assert.is(binary.status, 415);
  assert.match(binary.json().error.message, /text\/plain/);
  const empty = await curl(`${url}/x.service`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', '']);
  assert.is(empty.status, 400);
  const huge = await curl(`${url}/x.service`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', `[Unit]\nDescription=${'x'.repeat(5000)}\n`]);
  assert.is(huge.status, 413);
  assert.ok(!unitNode.control.units.has('x.service'));
});

routes('DELETE unloads a unit (204); a second DELETE is 404', async () => {
  await curl(`${url}/gone.service`, ['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', '[Unit]\nDescription=Gone soon\n']);
  const removed = await curl(`${url}/gone.service`, ['-X', 'DELETE']);
  assert.is(removed.status, 204);
  assert.is((await curl(`${url}/gone.service`)).status, 404);
  assert.is((await curl(`${url}/gone.service`, ['-X', 'DELETE'])).status, 404);
});

routes('POST /v1/units/daemon-reload is 204', async () => {
  const before = unitNode.control.calls.filter((call) => call === 'daemon-reload').length;
  const answer = await post('daemon-reload');
  assert.is(answer.status, 204);
  assert.is(unitNode.control.calls.filter((call) => call === 'daemon-reload').length, before + 1);
  assert.is((await curl(`${url}/daemon-reload`)).status, 400);
});

routes.run();

const guarded = suite('systemd-unit api: /v1/units behind a bearer token');
const TOKEN = 'units-test-token-0123456789';
let tokenNode: UnitNode;

guarded.before(async () => {
  tokenNode = await startUnitNode({ api: { token: TOKEN } });
});
guarded.after(async () => {
  await tokenNode?.node.stop();
});

guarded('requests without the token are 401, with it they go through', async () => {
  const base = `${tokenNode.node.url}/v1/units`;
  const anonymous = await curl(base);
  assert.is(anonymous.status, 401);
  assert.is(anonymous.json().error.message, 'missing bearer token');
  assert.is((await curl(`${base}/app.service/start`, ['-X', 'POST'])).status, 401);
  assert.is((await curl(`${base}/app.service/start`, ['-X', 'POST', '-H', 'Authorization: Bearer wrong-token-0123456789'])).status, 401);
  assert.is(tokenNode.control.units.get('app.service')!.detail.activeState, 'inactive');
  const authorized = await curl(`${base}/app.service/start`, ['-X', 'POST', '-H', `Authorization: Bearer ${TOKEN}`]);
  assert.is(authorized.status, 200);
  assert.is(authorized.json().activeState, 'active');
});

guarded.run();
