import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_UNIT_FILE_FIELDS,
  DEFAULT_UNIT_STATE_FIELDS,
  formatHash,
  formatMetadata,
  isGlobalUnit,
  machineIdLegend,
  machineLegend,
  parseFields,
  rowsOf,
  UNIT_FILE_COLUMNS,
  UNIT_STATE_COLUMNS,
  MACHINE_COLUMNS,
} from '../../../../plugins/fleet-scheduler/commands/columns.js';
import { normaliseExplanation, type FleetUnit } from '../../../../plugins/fleet-scheduler/commands/fleet-api.js';
import { nodeEndpointOf } from '../../../../plugins/fleet-scheduler/commands/remote-node.js';
import { NoMatchError, unitsInRegistry, unitsToCreate } from '../../../../plugins/fleet-scheduler/commands/unit-args.js';
import { tempDir } from '../../../support/temp-dir.js';

const columns = suite('fleet cli: columns, fields and unit selection');

const M1 = '2c4f1e3a9b8d4f0e8a7c6b5d4e3f2a1b';
const M2 = '5e1a7c02d3b44f6e9a8b7c6d5e4f3a2b';
/** The reference's test unit: its SHA-1 is 80793d69… in fleet and here alike. */
const HELLO = [
  { section: 'Unit', name: 'Description', value: 'Hello World' },
  { section: 'Service', name: 'ExecStart', value: '/bin/bash -c "while true; do echo Hello; sleep 1; done"' },
  { section: 'X-Fleet', name: 'Conflicts', value: 'hello*' },
];

columns('machine legends: 8 characters and "..." unless full; with the IP when there is one', () => {
  assert.is(machineIdLegend(M1, false), '2c4f1e3a...');
  assert.is(machineIdLegend(M1, true), M1);
  assert.is(machineIdLegend('abc', false), 'abc...');
  assert.is(machineLegend({ id: M1, primaryIP: '127.0.0.1' }, false), '2c4f1e3a.../127.0.0.1');
  assert.is(machineLegend({ id: M1 }, false), '2c4f1e3a...');
  assert.is(machineLegend({ id: M1, primaryIP: '10.0.0.1' }, true), `${M1}/10.0.0.1`);
});

columns('metadata is k=v sorted by key, "-" when empty; hashes are 7 characters unless full', () => {
  assert.is(formatMetadata({ region: 'us-east', disk: 'ssd' }), 'disk=ssd,region=us-east');
  assert.is(formatMetadata({}), '-');
  assert.is(formatMetadata(undefined), '-');
  assert.is(formatHash('80793d69abcdef', false), '80793d6');
  assert.is(formatHash('80793d69abcdef', true), '80793d69abcdef');
  assert.is(formatHash(undefined, false), '-');
});

columns('--fields: empty and unknown fields are refused with fleetctl\'s messages', () => {
  assert.equal(parseFields('unit,machine', UNIT_STATE_COLUMNS), { fields: ['unit', 'machine'] });
  assert.equal(parseFields('', UNIT_STATE_COLUMNS), { error: 'Must define output format' });
  assert.equal(parseFields('unit,bogus', UNIT_STATE_COLUMNS), { error: 'Invalid key in output format: "bogus"' });
  assert.equal(parseFields('constructor', UNIT_STATE_COLUMNS), { error: 'Invalid key in output format: "constructor"' });
});

columns('list-machines columns', () => {
  const rows = rowsOf([{ id: M1, primaryIP: '10.0.0.1', metadata: { b: '2', a: '1' } }, { id: M2 }], ['machine', 'ip', 'metadata'], MACHINE_COLUMNS, {
    full: false,
    machine: (id) => ({ id }),
  });
  assert.equal(rows, [
    ['2c4f1e3a...', '10.0.0.1', 'a=1,b=2'],
    ['5e1a7c02...', '-', '-'],
  ]);
});

columns('list-units columns: MACHINE is <short>.../<ip> from the machine list, the id alone when unknown', () => {
  const machines = new Map([[M1, { id: M1, primaryIP: '10.0.0.1' }]]);
  const states = [
    { name: 'a.service', machineID: M1, hash: '80793d69e0d8', systemdLoadState: 'loaded', systemdActiveState: 'active', systemdSubState: 'running' },
    { name: 'b.service', machineID: M2, systemdLoadState: 'loaded', systemdActiveState: 'failed', systemdSubState: 'failed' },
    { name: 'c.service' },
  ];
  const rows = rowsOf(states, [...DEFAULT_UNIT_STATE_FIELDS.split(','), 'load', 'hash'], UNIT_STATE_COLUMNS, { full: false, machine: (id) => machines.get(id) ?? { id } });
  assert.equal(rows, [
    ['a.service', '2c4f1e3a.../10.0.0.1', 'active', 'running', 'loaded', '80793d6'],
    ['b.service', '5e1a7c02...', 'failed', 'failed', 'loaded', '-'],
    ['c.service', '-', '-', '-', '-', '-'],
  ]);
});

columns('list-unit-files columns: HASH from the options, TARGET global or -, STATE - for globals, DESC', () => {
  const globalUnit: FleetUnit = { name: 'g.service', options: [{ section: 'X-Fleet', name: 'Global', value: 'true' }], desiredState: 'launched', currentState: 'inactive' };
  const units: FleetUnit[] = [
    { name: 'hello.service', options: HELLO, desiredState: 'launched', currentState: 'launched', machineID: M1 },
    globalUnit,
    { name: 'idle.service', options: [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }], desiredState: 'inactive', currentState: 'inactive' },
  ];
  const fields = [...DEFAULT_UNIT_FILE_FIELDS.split(','), 'desc', 'global'];
  const rows = rowsOf(units, fields, UNIT_FILE_COLUMNS, { full: false, machine: (id) => ({ id, primaryIP: '127.0.0.1' }) });
  assert.equal(rows[0], ['hello.service', '80793d6', 'launched', 'launched', '2c4f1e3a.../127.0.0.1', 'Hello World', 'false']);
  assert.equal(rows[1]!.slice(2), ['launched', '-', 'global', '-', 'true']);
  assert.equal(rows[2]!.slice(2), ['inactive', 'inactive', '-', '-', 'false']);
  const fullHash = rowsOf(units, ['hash'], UNIT_FILE_COLUMNS, { full: true, machine: (id) => ({ id }) })[0]![0]!;
  assert.is(fullHash.length, 40);
  assert.ok(fullHash.startsWith('80793d69'), 'the hash fleet computes for the reference unit');
});

columns('global units: Global= in [X-Fleet], the last value wins, fleet\'s truthy words', () => {
  const g = (...values: string[]) => isGlobalUnit({ name: 'x.service', options: values.map((value) => ({ section: 'X-Fleet', name: 'Global', value })) });
  assert.ok(g('true'));
  assert.ok(g('YES'));
  assert.ok(g('t'));
  assert.not.ok(g('true', 'false'));
  assert.not.ok(g());
  assert.not.ok(isGlobalUnit({ name: 'x.service', options: [{ section: 'Service', name: 'Global', value: 'true' }] }));
});

columns('registry selection: names in argument order, each once; globs and braces; unknown names skipped', () => {
  const units = ['app@1.service', 'app@2.service', 'app@3.service', 'db.service', 'web.socket'].map((name) => ({ name }));
  const names = (...args: string[]) => unitsInRegistry(args, units).map((u) => u.name);
  assert.equal(names('db', 'app@{1..2}'), ['db.service', 'app@1.service', 'app@2.service']);
  assert.equal(names("app*"), ['app@1.service', 'app@2.service', 'app@3.service']);
  assert.equal(names('app@[13].service', 'app@1.service'), ['app@1.service', 'app@3.service']);
  assert.equal(names('web.socket', 'nope', 'units/db.service'), ['web.socket', 'db.service']);
  assert.equal(names('*.socket'), ['web.socket']);
  assert.equal(names('x*'), []);
});

columns('units to create: names and files (.service appended), globs over local files and the registry', async () => {
  const dir = tempDir();
  try {
    mkdirSync(path.join(dir.path, 'units'));
    for (const file of ['web@.service', 'api.service', 'notes.txt', 'api.socket']) writeFileSync(path.join(dir.path, 'units', file), '[Service]\nExecStart=/bin/true\n');
    let asked = 0;
    const registry = async () => {
      asked++;
      return ['api.service', 'apigw.service', 'db.service'];
    };
    assert.equal(await unitsToCreate(['units/hello', 'web@{1..2}'], registry), [
      { name: 'hello.service', file: 'units/hello.service' },
      { name: 'web@1.service', file: 'web@1.service' },
      { name: 'web@2.service', file: 'web@2.service' },
    ]);
    assert.is(asked, 0, 'no registry listing without a glob');
    const glob = path.join(dir.path, 'units', 'api*');
    assert.equal(await unitsToCreate([glob], registry), [
      { name: 'api.service', file: path.join(dir.path, 'units', 'api.service') },
      { name: 'api.socket', file: path.join(dir.path, 'units', 'api.socket') },
      { name: 'apigw.service', file: path.join(dir.path, 'units', 'apigw.service') },
    ]);
    try {
      await unitsToCreate(['zz*'], registry);
      assert.unreachable('a glob matching nothing is an error');
    } catch (error) {
      assert.instance(error, NoMatchError);
      assert.is((error as Error).message, 'no unit in the registry or on disk matches zz*');
    }
  } finally {
    dir.cleanup();
  }
});

columns('explain answers are read defensively', () => {
  const full = normaliseExplanation('a.service', {
    unit: 'a.service',
    global: false,
    placedOn: [M2],
    machines: [
      { id: M1, name: 'n1', accepted: false, rejections: [{ constraint: 'metadata', reason: 'has no region=us' }], scores: [], total: 0, chosen: false },
      { id: M2, accepted: true, rejections: [], scores: [{ constraint: 'least-loaded', score: -2 }], total: -2, chosen: true },
    ],
  });
  assert.equal(full.machines.map((m) => [m.id, m.accepted, m.chosen, m.total]), [
    [M1, false, false, 0],
    [M2, true, true, -2],
  ]);
  const loose = normaliseExplanation('b.service', {
    chosen: M1,
    machines: [{ id: M1, scores: { spread: 1, 'least-loaded': 2 } }, { machineId: M2, rejections: { conflicts: 'runs b*' } }, { name: 'no id' }],
  });
  assert.is(loose.unit, 'b.service');
  assert.is(loose.global, false);
  assert.equal(loose.machines, [
    { id: M1, name: undefined, accepted: true, chosen: true, rejections: [], scores: [{ constraint: 'spread', score: 1 }, { constraint: 'least-loaded', score: 2 }], total: undefined },
    { id: M2, name: undefined, accepted: false, chosen: false, rejections: [{ constraint: 'conflicts', reason: 'runs b*' }], scores: [], total: undefined },
  ]);
  assert.equal(normaliseExplanation('c.service', null).machines, []);
});

columns('node endpoints: apiUrl as given, a wildcard host replaced by the public address', () => {
  assert.is(nodeEndpointOf({ id: M1, apiUrl: 'http://127.0.0.1:4100/' }), 'http://127.0.0.1:4100');
  assert.is(nodeEndpointOf({ id: M1, apiUrl: 'http://0.0.0.0:4100', publicIp: '10.0.0.5' }), 'http://10.0.0.5:4100');
  assert.is(nodeEndpointOf({ id: M1, apiUrl: 'http://[::]:4100', publicIp: 'fd00::5' }), 'http://[fd00::5]:4100');
  assert.is(nodeEndpointOf({ id: M1, apiUrl: 'http://0.0.0.0:4100' }), undefined);
  assert.is(nodeEndpointOf({ id: M1 }), undefined);
  assert.is(nodeEndpointOf(undefined), undefined);
});

columns.run();
