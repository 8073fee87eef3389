import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import metadataPlugin from '../../../plugins/fleet-constraint-metadata/index.js';
import { MetadataConstraint } from '../../../plugins/fleet-constraint-metadata/metadata-constraint.js';
import { parseMetadataItem } from '../../../plugins/fleet-constraint-metadata/metadata-items.js';
import type { ConstraintVerdict, SchedulingConstraint } from '../../../core/index.js';
import { machine, machineId, passing, placementView, unit, withNodeConstraints } from '../../support/placement.js';

const rule: SchedulingConstraint = new MetadataConstraint();

/** The verdict for a unit with these MachineMetadata items on a machine with this metadata. */
function verdict(items: string | readonly string[], metadata: Record<string, string | readonly string[]>): ConstraintVerdict {
  const m = machine(machineId(1), metadata);
  const plan = rule.plan!(unit('web.service', { MachineMetadata: items }), placementView([m], []));
  return plan?.filter ? plan.filter(m) : { ok: true };
}

const holds = (items: string | readonly string[], metadata: Record<string, string | readonly string[]>) => verdict(items, metadata).ok;

const parsing = suite('fleet-constraint-metadata: items');

parsing('the operator is the longest one at the first operator character', () => {
  const cases: [string, string, string, string][] = [
    ['region=us-east-1', 'region', '=', 'us-east-1'],
    ['region!=us-east-1', 'region', '!=', 'us-east-1'],
    ['cores<4', 'cores', '<', '4'],
    ['cores<=4', 'cores', '<=', '4'],
    ['cores>4', 'cores', '>', '4'],
    ['cores>=4', 'cores', '>=', '4'],
    ['name=~^web-\\d+$', 'name', '=~', '^web-\\d+$'],
    ['note=a=b', 'note', '=', 'a=b'],
    ['note==b', 'note', '=', '=b'],
    ['cores=<4', 'cores', '=', '<4'],
    ['name=~a=~b', 'name', '=~', 'a=~b'],
    ['disk.type=ssd', 'disk.type', '=', 'ssd'],
  ];
  for (const [text, key, operator, value] of cases) {
    assert.equal(parseMetadataItem(text), { ok: true, item: { text, key, operator, value } }, text);
  }
});

parsing('malformed items are named in the problem', () => {
  const cases: [string, string][] = [
    ['region', 'MachineMetadata item "region" is malformed: expected key=value, key!=value, key<N, key<=N, key>N, key>=N or key=~regex'],
    ['a!b=c', 'MachineMetadata item "a!b=c" is malformed: expected key=value, key!=value, key<N, key<=N, key>N, key>=N or key=~regex'],
    ['=us-east-1', 'MachineMetadata item "=us-east-1" has no key'],
    ['region=', 'MachineMetadata item "region=" has no value'],
    ['region!=', 'MachineMetadata item "region!=" has no value'],
    ['cores>=four', 'MachineMetadata item "cores>=four" compares with "four", which is not a number'],
    ['cores<1e999', 'MachineMetadata item "cores<1e999" compares with "1e999", which is not a number'],
    ['cores<0x10', 'MachineMetadata item "cores<0x10" compares with "0x10", which is not a number'],
  ];
  for (const [text, problem] of cases) assert.equal(parseMetadataItem(text), { ok: false, problem }, text);
  const regex = parseMetadataItem('name=~(web');
  assert.is(regex.ok, false);
  assert.match((regex as { problem: string }).problem, /^MachineMetadata item "name=~\(web" has an invalid regular expression: /);
});

parsing.run();

const operators = suite('fleet-constraint-metadata: operators');

operators('the operators table', () => {
  const cases: [item: string, metadata: Record<string, string | readonly string[]>, holds: boolean][] = [
    ['region=us-east-1', { region: 'us-east-1' }, true],
    ['region=us-east-1', { region: 'us-west-1' }, false],
    ['region=us-east-1', {}, false],
    ['region=us-east-1', { region: ['us-west-1', 'us-east-1'] }, true],
    ['region!=us-east-1', { region: 'us-west-1' }, true],
    ['region!=us-east-1', { region: 'us-east-1' }, false],
    ['region!=us-east-1', { region: ['us-west-1', 'us-east-1'] }, false],
    ['region!=us-east-1', {}, true],
    ['cores<4', { cores: '2' }, true],
    ['cores<4', { cores: '4' }, false],
    ['cores<=4', { cores: '4' }, true],
    ['cores<=4', { cores: '4.5' }, false],
    ['cores>4', { cores: '8' }, true],
    ['cores>4', { cores: '4' }, false],
    ['cores>=4', { cores: '4' }, true],
    ['cores>=4', { cores: '3.99' }, false],
    ['cores>=4', { cores: ['2', '16'] }, true],
    ['cores>=4', { cores: ['many', '16'] }, true],
    ['cores>=4', { cores: 'many' }, false],
    ['cores>=4', {}, false],
    ['temp>-10', { temp: '-5' }, true],
    ['temp<1e3', { temp: '999.5' }, true],
    ['cores>=4', { cores: '' }, false],
    ['cores>=4', { cores: ' 8' }, false],
    ['name=~^web-\\d+$', { name: 'web-12' }, true],
    ['name=~^web-\\d+$', { name: 'web-x' }, false],
    ['name=~web', { name: 'my-web-1' }, true],
    ['name=~web', {}, false],
    ['name=~^db', { name: ['web-1', 'db-1'] }, true],
  ];
  for (const [item, metadata, expected] of cases) assert.is(holds(item, metadata), expected, `${item} on ${JSON.stringify(metadata)}`);
});

operators('values of one key OR together, different keys AND (fleet)', () => {
  const items = ['region=us-east-1', 'region=us-west-1', 'disk=ssd'];
  assert.ok(holds(items, { region: 'us-west-1', disk: 'ssd' }));
  assert.ok(holds(items, { region: 'us-east-1', disk: 'ssd' }));
  assert.not.ok(holds(items, { region: 'eu-1', disk: 'ssd' }));
  assert.not.ok(holds(items, { region: 'us-east-1', disk: 'hdd' }));
  assert.not.ok(holds(items, { region: 'us-east-1' }));
});

operators('quoted items on one line and items on several lines are the same', () => {
  const oneLine = '"region=us-east-1" "region=us-west-1" "disk=ssd"';
  const machines: Record<string, string>[] = [{ region: 'us-west-1', disk: 'ssd' }, { region: 'eu-1', disk: 'ssd' }, { region: 'us-east-1' }];
  for (const metadata of machines) {
    assert.is(holds(oneLine, metadata), holds(['region=us-east-1', 'region=us-west-1', 'disk=ssd'], metadata));
  }
});

operators('every other item must hold besides the equality group', () => {
  const items = ['region=us-east-1', 'region=us-west-1', 'region!=us-west-1', 'cores>=4', 'cores<=16'];
  assert.ok(holds(items, { region: 'us-east-1', cores: '8' }));
  assert.not.ok(holds(items, { region: 'us-west-1', cores: '8' }));
  assert.not.ok(holds(items, { region: 'us-east-1', cores: '32' }));
  assert.not.ok(holds(items, { region: 'us-east-1', cores: '2' }));
});

operators('the deprecated spelling is read', () => {
  const m = machine(machineId(1), { region: 'us-east-1' });
  const view = placementView([m], []);
  assert.equal(passing(rule, unit('web.service', { 'X-ConditionMachineMetadata': 'region=us-east-1' }), view), [m.id]);
  assert.equal(passing(rule, unit('web.service', { 'X-ConditionMachineMetadata': 'region=eu-1' }), view), []);
});

operators('a unit without MachineMetadata has nothing to say', () => {
  assert.is(rule.plan!(unit('web.service'), placementView([], [])), undefined);
});

operators.run();

const reasons = suite('fleet-constraint-metadata: reasons');

reasons('reasons say what the machine has and what the unit requires', () => {
  const cases: [string | readonly string[], Record<string, string | readonly string[]>, string][] = [
    ['region=us-east-1', { region: 'us-west-1' }, 'metadata region is us-west-1, unit requires us-east-1'],
    [['region=us-east-1', 'region=eu-1'], { region: ['us-west-1', 'ap-1'] }, 'metadata region is us-west-1,ap-1, unit requires us-east-1 or eu-1'],
    ['disk=ssd', {}, 'metadata disk is missing'],
    ['region!=us-east-1', { region: 'us-east-1' }, 'metadata region is us-east-1, unit requires != us-east-1'],
    ['cores>=4', { cores: '2' }, 'metadata cores is 2, unit requires >= 4'],
    ['cores>=4', {}, 'metadata cores is missing'],
    ['cores>=4', { cores: 'many' }, 'metadata cores is many, not a number'],
    ['name=~^db', { name: 'web-1' }, 'metadata name is web-1, unit requires =~ ^db'],
    [['disk=ssd', 'region=us-east-1'], { region: 'eu-1' }, 'metadata disk is missing'],
  ];
  for (const [items, metadata, reason] of cases) assert.equal(verdict(items, metadata), { ok: false, reason }, reason);
});

reasons('a malformed item that reached the scheduler refuses every machine with its problem', () => {
  const m = machine(machineId(1), { region: 'us-east-1' });
  const plan = rule.plan!(unit('web.service', { MachineMetadata: ['region=us-east-1', 'cores>=four'] }), placementView([m], []))!;
  assert.equal([...plan.candidates!], []);
  assert.equal(plan.filter!(m), { ok: false, reason: 'MachineMetadata item "cores>=four" compares with "four", which is not a number' });
});

reasons.run();

const validation = suite('fleet-constraint-metadata: validate');

validation('well-formed items pass', () => {
  assert.equal(rule.validate!(unit('web.service')), []);
  assert.equal(rule.validate!(unit('web.service', { MachineMetadata: ['region=us-east-1', 'cores>=4', 'name=~^web', 'zone!=b'] })), []);
});

validation('every malformed item is reported, in order', () => {
  const problems = rule.validate!(unit('web.service', { MachineMetadata: '"region" "cores>=x" "ok=1" "name=~[" "=v"' }));
  assert.is(problems.length, 4);
  assert.match(problems[0]!, /"region" is malformed/);
  assert.match(problems[1]!, /"cores>=x" compares with "x", which is not a number/);
  assert.match(problems[2]!, /"name=~\[" has an invalid regular expression/);
  assert.match(problems[3]!, /"=v" has no key/);
});

validation('registers through a kernel', async () => {
  await withNodeConstraints(metadataPlugin, (constraints) => {
    assert.equal(constraints.map((c) => c.name), ['metadata']);
    assert.equal(constraints[0]!.validate!(unit('web.service', { MachineMetadata: 'cores>=x' })).length, 1);
  });
});

validation.run();
