import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import leastLoadedPlugin from '../../../plugins/fleet-constraint-least-loaded/index.js';
import { LeastLoadedScore } from '../../../plugins/fleet-constraint-least-loaded/least-loaded-score.js';
import { machine, machineId, placementView, unit, withNodeConstraints } from '../../support/placement.js';

const test = suite('fleet-constraint-least-loaded');

const [A, B, C] = [1, 2, 3].map((n) => machineId(n)) as [string, string, string];
const machines = [A, B, C].map((id) => machine(id));
const units = ['a', 'b', 'c', 'd'].map((name) => unit(`${name}.service`));
const view = () =>
  placementView(machines, units, [
    ['a.service', A],
    ['b.service', A],
    ['c.service', B],
  ]);

test('the score is minus the number of units on the machine', () => {
  const rule = new LeastLoadedScore();
  const web = unit('web.service');
  assert.equal(machines.map((m) => rule.score(web, m, view())), [-2, -1, 0]);
});

test('the unit itself does not count against its own machine', () => {
  const rule = new LeastLoadedScore();
  assert.is(rule.score(units[0]!, machines[0]!, view()), -1);
  assert.is(rule.score(units[2]!, machines[1]!, view()), 0);
});

test('the fewest units win, ties going to the lower id', () => {
  const rule = new LeastLoadedScore();
  const live = placementView(machines, units);
  const order: string[] = [];
  for (const u of [...units, unit('e.service'), unit('f.service')]) {
    const ranked = [...live.machines].sort((x, y) => rule.score(u, y, live) - rule.score(u, x, live) || (x.id < y.id ? -1 : 1));
    live.place(u.name, ranked[0]!.id);
    order.push(ranked[0]!.id);
  }
  assert.equal(order, [A, B, C, A, B, C]);
});

test('registers through a kernel', async () => {
  await withNodeConstraints(leastLoadedPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['least-loaded']);
    assert.is(constraints[0]!.score!(unit('web.service'), machines[0]!, view()), -2);
  });
});

test.run();
