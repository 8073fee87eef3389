import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PlacedUnits, refusingPlan } from '../../core/index.js';
import { machine, machineId, placementView, unit } from '../support/placement.js';

const placed = suite('core: placement index');

placed('reports a unit on its first machine and after its last, following the changes from where it left off', () => {
  const [A, B] = [machineId(1), machineId(2)];
  const view = placementView([machine(A), machine(B)], [unit('a.service', { Global: 'true' }), unit('b.service'), unit('skip.service')], [['a.service', A]]);
  const events: string[] = [];
  const units = new PlacedUnits(
    view,
    { placed: (name) => events.push(`+${name}`), unplaced: (name) => events.push(`-${name}`) },
    (name) => name !== 'skip.service',
  );
  assert.equal(events, ['+a.service']);
  view.place('a.service', B);
  view.place('b.service', B);
  view.place('skip.service', A);
  view.unplace('a.service', A);
  units.catchUp();
  assert.equal(events, ['+a.service', '+b.service']);
  assert.ok(units.has('a.service'));
  assert.not.ok(units.has('skip.service'));
  view.unplace('a.service', B);
  units.catchUp();
  units.catchUp();
  assert.equal(events, ['+a.service', '+b.service', '-a.service']);
  assert.not.ok(units.has('a.service'));
});

placed('a plan refuses the machines given, each with its reason, and is absent when there are none', () => {
  assert.is(refusingPlan(new Map()), undefined);
  const plan = refusingPlan(new Map([[machineId(1), 'busy']]))!;
  assert.equal(plan.filter!(machine(machineId(1))), { ok: false, reason: 'busy' });
  assert.equal(plan.filter!(machine(machineId(2))), { ok: true });
});

placed.run();
