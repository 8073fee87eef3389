import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  escapeUnitNamePart,
  escapeUnitPath,
  instanceName,
  isValidUnitName,
  parseUnitName,
  templateOf,
  unescapeUnitNamePart,
  unescapeUnitPath,
  unitNameWithoutSuffix,
  UNIT_TYPES,
} from '../../../../plugins/systemd-unit/unit-file/unit-name.js';

const test = suite('systemd-unit: unit names');

test('plain, template and instance names', () => {
  assert.equal(parseUnitName('app.service'), { name: 'app.service', prefix: 'app', type: 'service', isTemplate: false, isInstance: false });
  assert.equal(parseUnitName('app@.service'), {
    name: 'app@.service',
    prefix: 'app',
    instance: '',
    type: 'service',
    isTemplate: true,
    isInstance: false,
  });
  assert.equal(parseUnitName('getty@tty1.service'), {
    name: 'getty@tty1.service',
    prefix: 'getty',
    instance: 'tty1',
    type: 'service',
    isTemplate: false,
    isInstance: true,
  });
});

test('the instance runs from the first @ to the last dot', () => {
  const parsed = parseUnitName('a@b@c.d.service');
  assert.is(parsed.prefix, 'a');
  assert.is(parsed.instance, 'b@c.d');
  assert.ok(parsed.isInstance);
  assert.is(parseUnitName('my.app.target').prefix, 'my.app');
});

test('every unit type suffix is known', () => {
  for (const type of UNIT_TYPES) assert.is(parseUnitName(`x.${type}`).type, type);
  assert.is(UNIT_TYPES.length, 11);
});

test('invalid names throw a RangeError saying why', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['app', /no type suffix/],
    ['app.services', /unknown unit type '.services'/],
    ['app.Service', /unknown unit type/],
    ['.service', /empty name/],
    ['@x.service', /empty prefix/],
    ['@.service', /empty prefix/],
    ['a b.service', /character ' '/],
    ['a/b.service', /character '\/'/],
    ['é.service', /character 'é'/],
    [`${'a'.repeat(248)}.service`, /longer than 255/],
  ];
  for (const [name, reason] of cases) {
    assert.throws(() => parseUnitName(name), (e: unknown) => e instanceof RangeError && reason.test(e.message), name);
    assert.not.ok(isValidUnitName(name), name);
  }
  assert.ok(isValidUnitName(`${'a'.repeat(247)}.service`), '255 bytes is the limit');
  assert.ok(isValidUnitName('a:b_c.d-e\\x20@f.service'));
});

test('templateOf and instanceName', () => {
  assert.is(templateOf('app@1.service'), 'app@.service');
  assert.is(templateOf('app@.service'), 'app@.service');
  assert.is(templateOf('a@b@c.timer'), 'a@.timer');
  assert.throws(() => templateOf('app.service'), /neither a template nor an instance/);
  assert.is(instanceName('app@.service', '1'), 'app@1.service');
  assert.is(instanceName('app@.service', escapeUnitNamePart('a b')), 'app@a\\x20b.service');
  assert.throws(() => instanceName('app.service', '1'), /not a template/);
  assert.throws(() => instanceName('app@1.service', '2'), /not a template/);
  assert.throws(() => instanceName('app@.service', ''), /empty instance/);
  assert.throws(() => instanceName('app@.service', 'a b'), /invalid unit name/);
});

test('unitNameWithoutSuffix (%N)', () => {
  assert.is(unitNameWithoutSuffix('app@1.service'), 'app@1');
  assert.is(unitNameWithoutSuffix('app@.service'), 'app@');
  assert.is(unitNameWithoutSuffix('my.app.service'), 'my.app');
});

// Expected values checked against systemd-escape 252.
test('escaping as systemd-escape does', () => {
  const cases: [string, string][] = [
    ['a-b c', 'a\\x2db\\x20c'],
    ['.hidden/x', '\\x2ehidden-x'],
    ['é', '\\xc3\\xa9'],
    ['a\\b:c_d.e', 'a\\x5cb:c_d.e'],
    ['/', '-'],
    ['//', '--'],
    ['a.b', 'a.b'],
    ['', ''],
    ['tab\there', 'tab\\x09here'],
  ];
  for (const [input, expected] of cases) assert.is(escapeUnitNamePart(input), expected, input);
});

test('unescaping as systemd-escape --unescape does', () => {
  assert.is(unescapeUnitNamePart('dev-sda1'), 'dev/sda1');
  assert.is(unescapeUnitNamePart('a\\x2db'), 'a-b');
  assert.is(unescapeUnitNamePart('a\\x2Db'), 'a-b');
  assert.is(unescapeUnitNamePart('\\x2ea'), '.a');
  assert.is(unescapeUnitNamePart('\\xc3\\xa9'), 'é');
  assert.throws(() => unescapeUnitNamePart('a\\yb'), /invalid escape/);
  assert.throws(() => unescapeUnitNamePart('a\\x2'), /invalid escape/);
  for (const text of ['a-b c', '.x', 'ü/ö', 'a\\b', '--']) assert.is(unescapeUnitNamePart(escapeUnitNamePart(text)), text);
});

test('path escaping as systemd-escape --path does', () => {
  const cases: [string, string][] = [
    ['/dev/sda1', 'dev-sda1'],
    ['/', '-'],
    ['', '-'],
    ['//a//b/./c/', 'a-b-c'],
    ['/a/./b', 'a-b'],
    ['/a/.', 'a'],
    ['/.a', '\\x2ea'],
    ['/home/user name/x-y', 'home-user\\x20name-x\\x2dy'],
    ['relative/x', 'relative-x'],
  ];
  for (const [input, expected] of cases) assert.is(escapeUnitPath(input), expected, input);
  assert.throws(() => escapeUnitPath('/a/../b'), /not normalized/);
});

test('path unescaping (%f)', () => {
  assert.is(unescapeUnitPath('dev-sda1'), '/dev/sda1');
  assert.is(unescapeUnitPath('-'), '/');
  assert.is(unescapeUnitPath('a\\x2fb'), '/a/b');
  assert.is(unescapeUnitPath('home-user\\x20name-x\\x2dy'), '/home/user name/x-y');
  assert.throws(() => unescapeUnitPath(''), /empty/);
  assert.throws(() => unescapeUnitPath('a-'), /trailing slash/);
  assert.throws(() => unescapeUnitPath('-a'), /leading/);
  assert.throws(() => unescapeUnitPath('a--b'), /not a normalized path/);
  assert.throws(() => unescapeUnitPath('a-..-b'), /not a normalized path/);
});

test.run();
