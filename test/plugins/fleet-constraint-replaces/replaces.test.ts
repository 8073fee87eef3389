import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesGlob, type SchedulableUnit } from '../../../core/index.js';
import replacesPlugin from '../../../plugins/fleet-constraint-replaces/index.js';
import { ReplacesConstraint } from '../../../plugins/fleet-constraint-replaces/replaces-constraint.js';
import type { ClusterPlacementView } from '../../../plugins/fleet-scheduler/engine/placement-view.js';
import { machine, machineId, machinesAllowing, passing, placementView, randomPlacements, reasonOn, unit, withNodeConstraints } from '../../support/placement.js';
import { seededRandom } from '../../support/seeded-random.js';

const [A, B, C] = [1, 2, 3].map((n) => machineId(n)) as [string, string, string];
const machines = [A, B, C].map((id) => machine(id));

const test = suite('fleet-constraint-replaces');

test('a replaced unit cannot stay where the replacing unit is placed', () => {
  const units = [unit('old.service'), unit('new.service', { Replaces: 'old.service' })];
  const view = placementView(machines, units, [['old.service', A], ['new.service', A]]);
  const rule = new ReplacesConstraint();
  assert.equal(passing(rule, units[0]!, view), [B, C]);
  assert.is(reasonOn(rule, units[0]!, view, A), 'replaced by new.service (Replaces=old.service)');
});

test('the replacing unit is not held back by the unit it replaces', () => {
  const units = [unit('old.service'), unit('new.service', { Replaces: 'old.service' })];
  const view = placementView(machines, units, [['old.service', A]]);
  assert.is(new ReplacesConstraint().plan(units[1]!, view), undefined);
});

test('globs select the replaced units', () => {
  const units = [unit('web@1.service'), unit('web@2.service'), unit('db.service'), unit('web-v2@1.service', { Replaces: 'web@*.service' })];
  const view = placementView(machines, units, [['web-v2@1.service', B]]);
  const rule = new ReplacesConstraint();
  assert.equal(passing(rule, units[0]!, view), [A, C]);
  assert.equal(passing(rule, units[1]!, view), [A, C]);
  assert.equal(passing(rule, units[2]!, view), [A, B, C]);
});

test('a circular replace is ignored', () => {
  const units = [unit('a.service', { Replaces: 'b.service' }), unit('b.service', { Replaces: 'a.service' })];
  const view = placementView(machines, units, [['a.service', A], ['b.service', A]]);
  const rule = new ReplacesConstraint();
  assert.is(rule.plan(units[0]!, view), undefined);
  assert.is(rule.plan(units[1]!, view), undefined);
});

test('a unit replacing itself is ignored', () => {
  const self = unit('a@1.service', { Replaces: 'a@*.service' });
  const view = placementView(machines, [self], [['a@1.service', A]]);
  assert.is(new ReplacesConstraint().plan(self, view), undefined);
});

test('the index follows placements made after the first plan', () => {
  const units = [unit('old.service'), unit('new.service', { Replaces: 'old.service' })];
  const view = placementView(machines, units);
  const rule = new ReplacesConstraint();
  assert.is(rule.plan(units[0]!, view), undefined);
  view.place('new.service', C);
  assert.equal(passing(rule, units[0]!, view), [A, B]);
  view.unplace('new.service', C);
  assert.is(rule.plan(units[0]!, view), undefined);
});

/** B fails on M when M runs A ≠ B whose Replaces matches B, unless B's Replaces matches A. */
function bruteForce(candidate: SchedulableUnit, view: ClusterPlacementView): string[] {
  const mine = candidate.requirements.Replaces ?? [];
  return machinesAllowing(view, candidate, (other) => {
    const theirs = view.unit(other)?.requirements.Replaces ?? [];
    return !theirs.some((glob) => matchesGlob(glob, candidate.name)) || mine.some((glob) => matchesGlob(glob, other));
  });
}

test('place/unplace sequences agree with a brute-force check', () => {
  const globs = ['a@*.service', '*@1.service', 'b@2.service', '[ab]@?.service', 'c*', '*'];
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(seed);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const units = ['a', 'b', 'c'].flatMap((p) => [1, 2, 3].map((i) => `${p}@${i}.service`)).map((name) =>
      random() < 0.4 ? unit(name, { Replaces: pick(globs) }) : unit(name),
    );
    const ids = Array.from({ length: 4 }, (_, i) => machineId(i + 1));
    const view = placementView(ids.map((id) => machine(id)), units);
    const rule = new ReplacesConstraint();
    randomPlacements(view, units, random, 100, (candidate, step) => {
      assert.equal(passing(rule, candidate, view), bruteForce(candidate, view), `seed ${seed} step ${step} ${candidate.name}`);
    });
  }
});

test('registers through a kernel', async () => {
  await withNodeConstraints(replacesPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['replaces']);
    const units = [unit('old.service'), unit('new.service', { Replaces: 'old.service' })];
    const view = placementView(machines, units, [['new.service', C]]);
    assert.equal(passing(constraints[0]!, units[0]!, view), [A, B]);
  });
});

test.run();
