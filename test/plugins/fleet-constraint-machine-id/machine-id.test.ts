import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import machineIdPlugin from '../../../plugins/fleet-constraint-machine-id/index.js';
import { MachineIdConstraint } from '../../../plugins/fleet-constraint-machine-id/machine-id-constraint.js';
import { machine, machineId, passing, placementView, reasonOn, unit, withNodeConstraints } from '../../support/placement.js';

const test = suite('fleet-constraint-machine-id');

const A = machineId(1, '1a2b3c4d');
const B = machineId(2, '5e6f7a8b');
const C = machineId(3, '9c0d1e2f');
const view = () => placementView([machine(A), machine(B), machine(C)], []);

test('a unit without MachineID has nothing to say', () => {
  assert.is(new MachineIdConstraint().plan(unit('web.service'), view()), undefined);
});

test('the full id selects that machine only', () => {
  const rule = new MachineIdConstraint();
  const plan = rule.plan(unit('web.service', { MachineID: B }), view())!;
  assert.equal([...plan.candidates!], [B]);
  assert.equal(passing(rule, unit('web.service', { MachineID: B }), view()), [B]);
});

test('the 8-digit short id selects the machine too, as fleet MatchID does', () => {
  const rule = new MachineIdConstraint();
  assert.equal(passing(rule, unit('web.service', { MachineID: '9c0d1e2f' }), view()), [C]);
});

test('the filter alone agrees with the candidates', () => {
  const plan = new MachineIdConstraint().plan(unit('web.service', { MachineID: '1a2b3c4d' }), view())!;
  assert.equal(plan.filter!(machine(A)), { ok: true });
  assert.equal(plan.filter!(machine(B)), { ok: false, reason: 'unit requires machine 1a2b3c4d, this is 5e6f7a8b' });
});

test('an unknown or partial id matches no machine', () => {
  const rule = new MachineIdConstraint();
  for (const wanted of ['ffffffff', '1a2b3c4', A.slice(0, 12), A.toUpperCase()]) {
    assert.equal(passing(rule, unit('web.service', { MachineID: wanted }), view()), [], wanted);
  }
  assert.is(reasonOn(rule, unit('web.service', { MachineID: 'ffffffff' }), view(), A), 'not a candidate');
});

test('the first value counts, and the deprecated spellings are read', () => {
  const rule = new MachineIdConstraint();
  assert.equal(passing(rule, unit('web.service', { MachineID: [A, B] }), view()), [A]);
  assert.equal(passing(rule, unit('web.service', { 'X-ConditionMachineID': C }), view()), [C]);
  assert.equal(passing(rule, unit('web.service', { 'X-ConditionMachineBootID': '5e6f7a8b' }), view()), [B]);
});

test('machines sharing a short id are both candidates for it', () => {
  const twin = machineId(9, '1a2b3c4d');
  const twins = placementView([machine(A), machine(twin), machine(B)], []);
  assert.equal(passing(new MachineIdConstraint(), unit('web.service', { MachineID: '1a2b3c4d' }), twins), [A, twin]);
});

test('registers through a kernel', async () => {
  await withNodeConstraints(machineIdPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['machine-id']);
    assert.equal(passing(constraints[0]!, unit('web.service', { MachineID: A }), view()), [A]);
  });
});

test.run();
