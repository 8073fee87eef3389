import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fleetTarget } from '../../../../plugins/fleet-scheduler/api/fleet-path.js';
import { decodeMetadataPatch } from '../../../../plugins/fleet-scheduler/api/metadata-patch.js';
import { optionsFileProblem } from '../../../../plugins/fleet-scheduler/api/option-checks.js';
import { decodeUnitRequest } from '../../../../plugins/fleet-scheduler/api/unit-request.js';
import { refusal } from '../../../support/fleet-api-refusal.js';

const units = suite('fleet api: decoding a PUT /units body');

units('the fields fleetctl sends, and names matched as Go matches them (case-insensitively)', () => {
  assert.equal(decodeUnitRequest('{"desiredState":"launched","name":"hello.service"}'), { name: 'hello.service', desiredState: 'launched', options: [] });
  assert.equal(decodeUnitRequest('{"Name":"a.service","OPTIONS":[{"Section":"Service","NAME":"ExecStart","value":"/bin/true"}]}'), {
    name: 'a.service',
    desiredState: '',
    options: [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }],
  });
  assert.equal(decodeUnitRequest('{"options":[{"section":"Service","name":"ExecStartPre"},null],"currentState":"launched","machineID":"x"}').options, [
    { section: 'Service', name: 'ExecStartPre', value: '' },
  ]);
  assert.equal(decodeUnitRequest('null'), { name: '', desiredState: '', options: [] });
});

units('what Go cannot decode into a Unit is a 400 "unable to decode body"', () => {
  assert.is(refusal(() => decodeUnitRequest('')), 'unable to decode body: EOF');
  assert.is(refusal(() => decodeUnitRequest(undefined)), 'unable to decode body: EOF');
  assert.match(refusal(() => decodeUnitRequest('{"name":')), /^unable to decode body: /);
  assert.match(refusal(() => decodeUnitRequest('[]')), /^unable to decode body: cannot unmarshal array into Unit$/);
  assert.match(refusal(() => decodeUnitRequest('{"name":7}')), /Unit\.name of type string/);
  assert.match(refusal(() => decodeUnitRequest('{"desiredState":true}')), /Unit\.desiredState/);
  assert.match(refusal(() => decodeUnitRequest('{"options":{}}')), /Unit\.options/);
  assert.match(refusal(() => decodeUnitRequest('{"options":["x"]}')), /Unit\.options/);
  assert.match(refusal(() => decodeUnitRequest('{"options":[{"value":1}]}')), /UnitOption\.value/);
  assert.match(refusal(() => decodeUnitRequest('{"machineID":5}')), /Unit\.machineID/);
});

const patch = suite('fleet api: decoding a PATCH /machines body');

patch('fleet reads value.value; the documented plain string is taken too; remove writes an empty value', () => {
  const id = 'a'.repeat(32);
  assert.equal(
    decodeMetadataPatch(
      JSON.stringify([
        { op: 'add', path: `/${id}/metadata/region`, value: { value: 'us-east-1' } },
        { op: 'replace', path: `/${id}/metadata/disk.type`, value: 'ssd' },
        { op: 'remove', path: `/${id}/metadata/old_key-1` },
        { Op: 'add', PATH: '/not-registered/metadata/x', Value: { Value: 'y' } },
      ]),
    ),
    [
      { machineId: id, key: 'region', value: 'us-east-1' },
      { machineId: id, key: 'disk.type', value: 'ssd' },
      { machineId: id, key: 'old_key-1', value: '' },
      { machineId: 'not-registered', key: 'x', value: 'y' },
    ],
  );
  assert.equal(decodeMetadataPatch('[]'), []);
  assert.equal(decodeMetadataPatch('null'), []);
});

patch('every op is checked, with fleet messages', () => {
  const ok = { op: 'add', path: '/m/metadata/k', value: { value: 'v' } };
  const body = (...ops: unknown[]) => JSON.stringify(ops);
  assert.is(refusal(() => decodeMetadataPatch(body(ok, { ...ok, op: 'move' }))), 'invalid op: expect add, remove, or replace');
  assert.is(refusal(() => decodeMetadataPatch(body(ok, { ...ok, op: 'ADD' }))), 'invalid op: expect add, remove, or replace');
  for (const path of ['/m/metadata/', '/m/meta/k', 'm/metadata/k', '/m/metadata/k/', '/m/metadata/k!', '//metadata/k', '/../metadata/k', '/m/metadata/..']) {
    assert.is(refusal(() => decodeMetadataPatch(body({ ...ok, path }))), 'machine metadata path invalid', path);
  }
  assert.is(refusal(() => decodeMetadataPatch(body({ op: 'add', path: '/m/metadata/k' }))), 'invalid value: add and replace require a value');
  assert.is(refusal(() => decodeMetadataPatch(body({ op: 'replace', path: '/m/metadata/k', value: { value: '' } }))), 'invalid value: add and replace require a value');
  assert.is(refusal(() => decodeMetadataPatch(body({ op: 'add', path: '/m/metadata/k', value: { other: 'v' } }))), 'invalid value: add and replace require a value');
  assert.is(refusal(() => decodeMetadataPatch('')), 'EOF');
  assert.match(refusal(() => decodeMetadataPatch('{"op":"add"}')), /cannot unmarshal object/);
  assert.match(refusal(() => decodeMetadataPatch('[1]')), /cannot unmarshal number/);
  assert.match(refusal(() => decodeMetadataPatch('[{"op":"add","path":"/m/metadata/k","value":3}]')), /cannot unmarshal number/);
  assert.match(refusal(() => decodeMetadataPatch('[{"op":1}]')), /cannot unmarshal number/);
  assert.match(refusal(() => decodeMetadataPatch('[')), /JSON/);
});

const options = suite('fleet api: options must make a unit file that reads back the same');

options('ordinary options pass, in any section order, with whitespace around values', () => {
  assert.is(
    optionsFileProblem([
      { section: 'Unit', name: 'Description', value: 'x' },
      { section: 'Service', name: 'ExecStart', value: ' /bin/sleep 1 ' },
      { section: 'Unit', name: 'After', value: 'network.target' },
      { section: 'X-Fleet', name: 'Whatever', value: '' },
    ]),
    undefined,
  );
});

options('line breaks, `=` in a name, a trailing backslash, a broken section and long lines are refused', () => {
  assert.match(optionsFileProblem([{ section: 'Service', name: 'ExecStart', value: '/bin/true\nExecStartPre=/bin/evil' }])!, /"ExecStart" in section "Service"/);
  assert.match(optionsFileProblem([{ section: 'Service', name: 'A=B', value: 'c' }])!, /"A=B"/);
  assert.match(optionsFileProblem([{ section: 'Service', name: 'ExecStart', value: 'x \\' }, { section: 'Service', name: 'B', value: 'c' }])!, /"ExecStart"/);
  assert.match(optionsFileProblem([{ section: 'Serv]ice', name: 'A', value: 'b' }])!, /section/);
  assert.is(optionsFileProblem([{ section: 'Service', name: 'ExecStart', value: 'x'.repeat(2048) }]), 'line too long (max 2048 bytes)');
  assert.is(optionsFileProblem([{ section: 'Service', name: 'ExecStart', value: 'x'.repeat(2038) }]), undefined);
  assert.match(optionsFileProblem([{ section: '', name: 'A', value: 'b' }])!, /empty section/);
  assert.match(optionsFileProblem([{ section: 'Service', name: ' ', value: 'b' }])!, /empty name/);
});

const paths = suite('fleet api: paths under the prefix');

paths('collections, items (decoded), and everything else', () => {
  assert.equal(fleetTarget(''), { kind: 'root' });
  assert.equal(fleetTarget('/units'), { kind: 'units' });
  assert.equal(fleetTarget('/state'), { kind: 'states' });
  assert.equal(fleetTarget('/machines'), { kind: 'machines' });
  assert.equal(fleetTarget('/discovery'), { kind: 'discovery' });
  assert.equal(fleetTarget('/units/web%401.service'), { kind: 'unit', name: 'web@1.service' });
  assert.equal(fleetTarget('/state/web@1.service'), { kind: 'state', name: 'web@1.service' });
  for (const rest of ['/', '/units/', '/units/a.service/', '/units/a/b.service', '/units/a%2Fb.service', '/unit/a.service', '/machines/', '/machines/m', '/discovery/', '/state/']) {
    assert.equal(fleetTarget(rest), { kind: 'unknown' }, rest);
  }
  assert.equal(fleetTarget('/units/%E0%A4%A'), { kind: 'malformed' });
});

units.run();
patch.run();
options.run();
paths.run();
