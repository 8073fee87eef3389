import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, type SchedulingConstraint } from '../../core/index.js';
import { MaxUnitsConstraint } from '../../examples/constraint-max-units/max-units-constraint.js';
import { machine, machineId, passing, placementView, reasonOn, unit } from '../support/placement.js';
import { startTestNode } from '../support/test-node.js';

const test = suite('example: constraint-max-units');

const MODULE = path.resolve('examples/constraint-max-units/index.ts');

const [A, B, C] = [1, 2, 3].map((n) => machineId(n)) as [string, string, string];
const machines = [A, B, C].map((id) => machine(id));
const units = ['a', 'b', 'c', 'd'].map((name) => unit(`${name}.service`));
const view = () =>
  placementView(machines, units, [
    ['a.service', A],
    ['b.service', A],
    ['c.service', B],
  ]);

async function withMaxUnits(settings: Record<string, unknown>, use: (rule: SchedulingConstraint) => void): Promise<void> {
  const node = await startTestNode({ config: { plugins: { 'constraint-max-units': { module: MODULE, ...settings } } } });
  try {
    const rules = node.kernel.container.resolveAll(CORE.SchedulingConstraint);
    assert.equal(rules.map((rule) => rule.name), ['max-units']);
    assert.equal(
      node.loaded.plugins.map((p) => [p.plugin.id, p.source]),
      [['constraint-max-units', MODULE]],
    );
    assert.instance(rules[0], MaxUnitsConstraint);
    use(rules[0]!);
  } finally {
    await node.stop();
  }
}

test('loaded by path, it refuses machines that already run `max` units', async () => {
  await withMaxUnits({ max: 2 }, (rule) => {
    assert.equal(passing(rule, unit('web.service'), view()), [B, C]);
    assert.is(reasonOn(rule, unit('web.service'), view(), A), 'machine runs 2 units, at most 2 allowed');
  });
});

test('a placed unit is re-checked without counting itself', async () => {
  await withMaxUnits({ max: 2 }, (rule) => {
    assert.equal(passing(rule, units[0]!, view()), [A, B, C]);
  });
});

test('the setting decides the limit', async () => {
  await withMaxUnits({ max: 1 }, (rule) => {
    assert.equal(passing(rule, unit('web.service'), view()), [C]);
  });
});

test('the setting is checked against its schema', async () => {
  for (const [settings, message] of [
    [{}, /plugins\.constraint-max-units\.max: Invalid input: expected number, received undefined/],
    [{ max: 0 }, /plugins\.constraint-max-units\.max: Too small/],
    [{ max: 2, limit: 3 }, /plugins\.constraint-max-units\.limit: unknown key "limit"/],
  ] as const) {
    const error = await startTestNode({ config: { plugins: { 'constraint-max-units': { module: MODULE, ...settings } } } }).then(
      async (node) => {
        await node.stop();
        return undefined;
      },
      (e: Error) => e,
    );
    assert.match(error?.message ?? 'started', message);
  }
});

test.run();
