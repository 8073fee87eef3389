import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SchedulingConstraint } from '../../../core/index.js';
import globalPlugin from '../../../plugins/fleet-constraint-global/index.js';
import { GlobalConstraint } from '../../../plugins/fleet-constraint-global/global-constraint.js';
import { unit, withNodeConstraints } from '../../support/placement.js';

const test = suite('fleet-constraint-global');

test("fleet's truthy spellings, case-insensitive, make a unit run everywhere", () => {
  const rule = new GlobalConstraint();
  for (const value of ['true', 'TRUE', 'yes', 'Yes', '1', 'on', 'ON', 't', 'T']) assert.ok(rule.placesOnEvery(unit('agent.service', { Global: value })), value);
  for (const value of ['false', 'no', '0', 'off', 'f', 'y', 'enabled', '']) assert.not.ok(rule.placesOnEvery(unit('agent.service', { Global: value })), value);
  assert.not.ok(rule.placesOnEvery(unit('agent.service')));
});

test('the last value wins', () => {
  const rule = new GlobalConstraint();
  assert.ok(rule.placesOnEvery(unit('agent.service', { Global: ['false', 'true'] })));
  assert.not.ok(rule.placesOnEvery(unit('agent.service', { Global: ['true', 'false'] })));
});

test('it filters nothing', () => {
  const rule: SchedulingConstraint = new GlobalConstraint();
  assert.is(rule.filter, undefined);
  assert.is(rule.plan, undefined);
});

test('registers through a kernel', async () => {
  await withNodeConstraints(globalPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['global']);
    assert.ok(constraints[0]!.placesOnEvery!(unit('agent.service', { Global: 'true' })));
  });
});

test.run();
