import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import machineOfPlugin from '../../../plugins/fleet-constraint-machine-of/index.js';
import { MachineOfConstraint } from '../../../plugins/fleet-constraint-machine-of/machine-of-constraint.js';
import { machine, machineId, passing, placementView, reasonOn, unit, withNodeConstraints } from '../../support/placement.js';

const test = suite('fleet-constraint-machine-of');

const [A, B, C, D, E] = [1, 2, 3, 4, 5].map((n) => machineId(n));
const machines = [A!, B!, C!, D!, E!].map((id) => machine(id));
const units = [
  unit('db.service'),
  unit('cache.service'),
  unit('agent.service', { Global: 'true' }),
  unit('idle.service'),
];
const view = () =>
  placementView(machines, units, [
    ['db.service', A!],
    ['cache.service', A!],
    ['cache.service', B!],
    ...[A!, B!, C!, D!, E!].map((id) => ['agent.service', id] as const),
  ]);

test('a unit without MachineOf has nothing to say', () => {
  assert.is(new MachineOfConstraint().plan(unit('web.service'), view()), undefined);
});

test('a unit goes where its peer is', () => {
  const web = unit('web.service', { MachineOf: 'db.service' });
  const plan = new MachineOfConstraint().plan(web, view())!;
  assert.equal([...plan.candidates!], [A]);
  assert.equal(passing(new MachineOfConstraint(), web, view()), [A]);
});

test('several peers are ANDed: the candidates are where all of them are', () => {
  const rule = new MachineOfConstraint();
  assert.equal(passing(rule, unit('web.service', { MachineOf: ['cache.service', 'agent.service'] }), view()), [A, B]);
  assert.equal(passing(rule, unit('web.service', { MachineOf: ['cache.service', 'db.service'] }), view()), [A]);
  assert.equal(passing(rule, unit('web.service', { MachineOf: '"cache.service" "agent.service"' }), view()), [A, B]);
});

test('a peer that is not placed anywhere lets no machine pass', () => {
  const rule = new MachineOfConstraint();
  for (const peer of ['idle.service', 'unknown.service']) {
    const web = unit('web.service', { MachineOf: ['cache.service', peer] });
    const plan = rule.plan(web, view())!;
    assert.equal([...plan.candidates!], []);
    assert.equal(plan.filter!(machines[0]!), { ok: false, reason: `peer ${peer} is not scheduled` });
  }
});

test('the reason names the missing peer and where it is', () => {
  const web = unit('web.service', { MachineOf: ['agent.service', 'db.service'] });
  assert.is(reasonOn(new MachineOfConstraint(), web, view(), C!), 'not a candidate');
  const plan = new MachineOfConstraint().plan(web, view())!;
  assert.equal(plan.filter!(machines[2]!), { ok: false, reason: `peer db.service is not on this machine (it is on ${A!.slice(0, 8)})` });
  const spread = new MachineOfConstraint().plan(unit('web.service', { MachineOf: 'agent.service' }), placementView(machines, units, [['agent.service', A!]]))!;
  assert.match((spread.filter!(machines[1]!) as { reason: string }).reason, /^peer agent\.service is not on this machine/);
});

test('the filter follows the view as it changes', () => {
  const live = view();
  const web = unit('web.service', { MachineOf: 'idle.service' });
  const plan = new MachineOfConstraint().plan(web, live)!;
  live.place('idle.service', C!);
  assert.equal(plan.filter!(machines[2]!), { ok: true });
  assert.equal(passing(new MachineOfConstraint(), web, live), [C]);
});

test('a unit naming itself as a peer ignores that', () => {
  const rule = new MachineOfConstraint();
  assert.is(rule.plan(unit('web.service', { MachineOf: 'web.service' }), view()), undefined);
  assert.equal(passing(rule, unit('web.service', { MachineOf: ['web.service', 'db.service'] }), view()), [A]);
});

test('specifiers are expanded before matching peers', () => {
  const sidekick = unit('web-discovery@1.service', { MachineOf: 'web@%i.service' });
  const placed = placementView(machines, [unit('web@1.service')], [['web@1.service', D!]]);
  assert.equal(passing(new MachineOfConstraint(), sidekick, placed), [D]);
});

test('registers through a kernel', async () => {
  await withNodeConstraints(machineOfPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['machine-of']);
    assert.equal(passing(constraints[0]!, unit('web.service', { MachineOf: 'db.service' }), view()), [A]);
  });
});

test.run();
