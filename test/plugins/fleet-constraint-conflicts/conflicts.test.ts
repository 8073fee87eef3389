import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesGlob, type SchedulableUnit } from '../../../core/index.js';
import conflictsPlugin from '../../../plugins/fleet-constraint-conflicts/index.js';
import { ConflictsConstraint } from '../../../plugins/fleet-constraint-conflicts/conflicts-constraint.js';
import type { ClusterPlacementView } from '../../../plugins/fleet-scheduler/engine/placement-view.js';
import { machine, machineId, machinesAllowing, passing, placementView, randomPlacements, reasonOn, unit, withNodeConstraints } from '../../support/placement.js';
import { seededRandom } from '../../support/seeded-random.js';

const [A, B, C] = [1, 2, 3].map((n) => machineId(n)) as [string, string, string];
const machines = [A, B, C].map((id) => machine(id));

const rules = suite('fleet-constraint-conflicts: rule');

rules("a machine fails when one of its units matches the unit's globs", () => {
  const units = [unit('db@1.service'), unit('cache.service')];
  const view = placementView(machines, units, [['db@1.service', A], ['cache.service', B]]);
  const web = unit('web.service', { Conflicts: 'db@*.service' });
  assert.equal(passing(new ConflictsConstraint(), web, view), [B, C]);
  assert.is(reasonOn(new ConflictsConstraint(), web, view, A), 'conflicts with db@1.service, which matches Conflicts=db@*.service');
});

rules("a machine fails when one of its units' globs matches the unit", () => {
  const units = [unit('db.service', { Conflicts: 'web*.service' }), unit('cache.service')];
  const view = placementView(machines, units, [['db.service', B], ['cache.service', C]]);
  const web = unit('web-1.service');
  assert.equal(passing(new ConflictsConstraint(), web, view), [A, C]);
  assert.is(reasonOn(new ConflictsConstraint(), web, view, B), 'conflicts with db.service, whose Conflicts=web*.service matches web-1.service');
});

rules('instances of a template keep apart, each ignoring itself', () => {
  const units = [1, 2, 3].map((i) => unit(`app@${i}.service`, { Conflicts: 'app@*.service' }));
  const view = placementView(machines, units, [['app@1.service', A], ['app@2.service', B]]);
  const rule = new ConflictsConstraint();
  assert.equal(passing(rule, units[2]!, view), [C]);
  assert.equal(passing(rule, units[0]!, view), [A, C], 'a placed unit is re-checked without counting itself');
});

rules('a unit that conflicts only with itself has nothing to say', () => {
  const self = unit('solo.service', { Conflicts: 'solo.service' });
  const view = placementView(machines, [self], [['solo.service', A]]);
  assert.is(new ConflictsConstraint().plan(self, view), undefined);
});

rules('several globs, on one line or several, and the deprecated spelling', () => {
  const units = [unit('a.service'), unit('b.service'), unit('c.service')];
  const view = placementView(machines, units, [['a.service', A], ['b.service', B], ['c.service', C]]);
  const rule = new ConflictsConstraint();
  assert.equal(passing(rule, unit('x.service', { Conflicts: 'a.service b.service' }), view), [C]);
  assert.equal(passing(rule, unit('x.service', { Conflicts: ['a.service', 'c.service'] }), view), [B]);
  assert.equal(passing(rule, unit('x.service', { 'X-Conflicts': '[bc].service' }), view), [A]);
  assert.equal(passing(rule, unit('x.service', { Conflicts: '?.service' }), view), []);
});

rules('a unit running everywhere conflicts on every machine', () => {
  const units = [unit('agent.service', { Global: 'true', Conflicts: 'legacy-agent.service' })];
  const view = placementView(machines, units, machines.map((m) => ['agent.service', m.id] as const));
  assert.equal(passing(new ConflictsConstraint(), unit('legacy-agent.service'), view), []);
  assert.equal(passing(new ConflictsConstraint(), unit('web.service'), view), [A, B, C]);
});

rules('units placed and taken off after the first plan are seen', () => {
  const units = [unit('db@1.service', { Conflicts: 'db@*.service' }), unit('db@2.service', { Conflicts: 'db@*.service' })];
  const view = placementView(machines, units);
  const rule = new ConflictsConstraint();
  assert.is(rule.plan(units[1]!, view), undefined);
  view.place('db@1.service', B);
  assert.equal(passing(rule, units[1]!, view), [A, C]);
  view.unplace('db@1.service', B);
  view.place('db@1.service', C);
  assert.equal(passing(rule, units[1]!, view), [A, B]);
  assert.equal(passing(rule, units[1]!, placementView(machines, units)), [A, B, C], 'another view has an index of its own');
});

rules('a plan is made once and answers per machine', () => {
  const units = [unit('db.service')];
  const view = placementView(machines, units, [['db.service', A]]);
  const plan = new ConflictsConstraint().plan(unit('web.service', { Conflicts: 'db.service' }), view)!;
  assert.is(plan.candidates, undefined);
  assert.equal(plan.filter!(machines[1]!), { ok: true });
  assert.equal(plan.filter!(machines[0]!), { ok: false, reason: 'conflicts with db.service, which matches Conflicts=db.service' });
});

rules('registers through a kernel', async () => {
  await withNodeConstraints(conflictsPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['conflicts']);
    const view = placementView(machines, [unit('db.service')], [['db.service', A]]);
    assert.equal(passing(constraints[0]!, unit('web.service', { Conflicts: 'db.service' }), view), [B, C]);
  });
});

rules.run();

const index = suite('fleet-constraint-conflicts: index against brute force');

/** A machine fails when a unit on it (not the unit itself) matches the unit's globs, or its globs match the unit. */
function bruteForce(candidate: SchedulableUnit, view: ClusterPlacementView): string[] {
  const mine = candidate.requirements.Conflicts ?? [];
  return machinesAllowing(view, candidate, (other) => {
    const theirs = view.unit(other)?.requirements.Conflicts ?? [];
    return !mine.some((glob) => matchesGlob(glob, other)) && !theirs.some((glob) => matchesGlob(glob, candidate.name));
  });
}

const GLOBS = ['a@*.service', 'b@*.service', '*@1.service', 'a@1.service', '[ab]@?.service', '*', 'c*', 'a\\@2.service', 'b@[^1].service', 'a@1*'];

function randomUnits(random: () => number): SchedulableUnit[] {
  const names = ['a', 'b', 'c', 'ab'].flatMap((prefix) => [1, 2, 3].map((i) => `${prefix}@${i}.service`));
  names.push('c.service', 'other.service');
  return names.map((name) => {
    const count = Math.floor(random() * 3);
    const globs = Array.from({ length: count }, () => GLOBS[Math.floor(random() * GLOBS.length)]!);
    return unit(name, count > 0 ? { Conflicts: globs } : {});
  });
}

index('place/unplace sequences agree with a brute-force check', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = seededRandom(seed);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const units = randomUnits(random);
    const ids = Array.from({ length: 5 }, (_, i) => machineId(i + 1));
    const initial = Array.from({ length: Math.floor(random() * 6) }, () => [pick(units).name, pick(ids)] as const);
    const view = placementView(ids.map((id) => machine(id)), units, initial);
    const rule = new ConflictsConstraint();
    randomPlacements(view, units, random, 120, (candidate, step) => {
      assert.equal(passing(rule, candidate, view), bruteForce(candidate, view), `seed ${seed} step ${step} ${candidate.name}`);
    });
    for (const candidate of units) assert.equal(passing(rule, candidate, view), bruteForce(candidate, view), `seed ${seed} end ${candidate.name}`);
  }
});

index.run();
