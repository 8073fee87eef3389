import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { goJson, machineEntity, machinePage, unitEntity, unitOptionEntity, unitPage, unitStateEntity, unitStatePage } from '../../../../plugins/fleet-scheduler/api/entities.js';
import type { FleetUnit } from '../../../../plugins/fleet-scheduler/fleet-cluster.js';

const entities = suite('fleet api: JSON entities');

const hello: FleetUnit = {
  name: 'hello.service',
  hash: 'ab',
  desiredState: 'launched',
  currentState: 'launched',
  machineId: 'f'.repeat(32),
  global: false,
  options: [
    { section: 'Unit', name: 'Description', value: 'Hello World' },
    { section: 'Service', name: 'ExecStart', value: '/bin/sh -c "a && b <x>"' },
    { section: 'Service', name: 'ExecStartPre', value: '' },
  ],
};

entities('a unit has fleet field order; empty values and lists are left out; & < > escaped as Go does', () => {
  assert.is(
    goJson(unitEntity(hello)),
    `{"currentState":"launched","desiredState":"launched","machineID":"${'f'.repeat(32)}","name":"hello.service","options":[` +
      '{"name":"Description","section":"Unit","value":"Hello World"},' +
      '{"name":"ExecStart","section":"Service","value":"/bin/sh -c \\"a \\u0026\\u0026 b \\u003cx\\u003e\\""},' +
      '{"name":"ExecStartPre","section":"Service"}]}',
  );
  assert.equal(Object.keys(unitEntity({ ...hello, machineId: undefined, currentState: 'inactive', options: [] })), ['currentState', 'desiredState', 'name']);
  assert.equal(unitOptionEntity({ section: '', name: '', value: '' }), {});
});

entities('a global unit has no currentState on its own, and reads inactive in a listing', () => {
  const global: FleetUnit = { ...hello, global: true, currentState: undefined, machineId: undefined };
  assert.equal(Object.keys(unitEntity(global)), ['desiredState', 'name', 'options']);
  assert.equal(Object.keys(unitEntity(global, true)), ['currentState', 'desiredState', 'name', 'options']);
  assert.is(unitEntity(global, true).currentState, 'inactive');
  assert.is(unitEntity({ ...hello, currentState: 'loaded' }, true).currentState, 'loaded');
});

entities('a unit state carries the systemd states under fleet names', () => {
  const state = { name: 'a.service', machineId: 'm1', hash: 'h', loadState: 'loaded', activeState: 'active', subState: 'running' };
  assert.is(goJson(unitStateEntity(state)), '{"hash":"h","machineID":"m1","name":"a.service","systemdActiveState":"active","systemdLoadState":"loaded","systemdSubState":"running"}');
  assert.equal(unitStateEntity({ ...state, subState: '', hash: '' }), { machineID: 'm1', name: 'a.service', systemdActiveState: 'active', systemdLoadState: 'loaded' });
});

entities('a machine shows one value per metadata key (several joined by commas), keys sorted', () => {
  const machine = { id: 'm1', name: 'one', publicIp: '10.0.0.1', metadata: { zone: ['a'], disk: ['ssd', 'nvme'] }, version: '0.1.0' };
  assert.is(goJson(machineEntity(machine)), '{"id":"m1","metadata":{"disk":"ssd,nvme","zone":"a"},"primaryIP":"10.0.0.1"}');
  assert.is(goJson(machineEntity({ ...machine, metadata: {}, publicIp: '' })), '{"id":"m1"}');
});

entities('pages: fields alphabetical as in the Go structs, an empty page is {}', () => {
  assert.is(goJson(machinePage([])), '{}');
  assert.is(goJson(unitPage([])), '{}');
  assert.is(goJson(unitStatePage([])), '{}');
  assert.is(goJson(machinePage([{ id: 'm' }], 'AgACAA==')), '{"machines":[{"id":"m"}],"nextPageToken":"AgACAA=="}');
  assert.is(goJson(unitPage([{ name: 'u' }], 'AgACAA==')), '{"nextPageToken":"AgACAA==","units":[{"name":"u"}]}');
  assert.is(goJson(unitStatePage([{ name: 'u' }], 'AgACAA==')), '{"nextPageToken":"AgACAA==","states":[{"name":"u"}]}');
  assert.is(goJson({ s: '\u2028' }), '{"s":"\\u2028"}');
});

entities.run();
