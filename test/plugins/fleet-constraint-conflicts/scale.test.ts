import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConflictsConstraint } from '../../../plugins/fleet-constraint-conflicts/conflicts-constraint.js';
import { LeastLoadedScore } from '../../../plugins/fleet-constraint-least-loaded/least-loaded-score.js';
import { machine, machineId, placementView, unit } from '../../support/placement.js';

const test = suite('fleet-constraint-conflicts: scale');

test('10,000 conflicting units are placed over 1,000 machines, one plan per unit', () => {
  const APPS = 1000;
  const INSTANCES = 10;
  const machines = Array.from({ length: 1000 }, (_, i) => machine(machineId(i + 1)));
  const units = Array.from({ length: APPS * INSTANCES }, (_, n) => {
    const app = n % APPS;
    return unit(`app-${app}@${Math.floor(n / APPS)}.service`, { Conflicts: `app-${app}@*.service` });
  });
  const view = placementView(machines, units);
  const conflicts = new ConflictsConstraint();
  const load = new LeastLoadedScore();
  for (const u of units) {
    const plan = conflicts.plan(u, view);
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const m of view.machines) {
      if (plan?.filter && !plan.filter(m).ok) continue;
      const score = load.score(u, m, view);
      if (score > bestScore) [best, bestScore] = [m.id, score];
    }
    assert.ok(best, `${u.name} found a machine`);
    view.place(u.name, best!);
  }
  for (const m of machines) {
    const apps = [...view.unitsOn(m.id)].map((name) => name.slice(0, name.indexOf('@')));
    assert.is(apps.length, INSTANCES);
    assert.is(new Set(apps).size, apps.length, `no two instances of an app share ${m.id}`);
  }
});

test.run();
