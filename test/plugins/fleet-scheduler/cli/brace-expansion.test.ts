import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BraceExpansionError, expandBraces } from '../../../../plugins/fleet-scheduler/commands/brace-expansion.js';

const braces = suite('fleet cli: brace expansion (bash rules)');

braces('{a..b} numeric ranges, ascending, descending, with a step, zero-padded', () => {
  assert.equal(expandBraces('app@{1..3}.service'), ['app@1.service', 'app@2.service', 'app@3.service']);
  assert.equal(expandBraces('x{3..1}'), ['x3', 'x2', 'x1']);
  assert.equal(expandBraces('{0..10..5}'), ['0', '5', '10']);
  assert.equal(expandBraces('{10..0..-5}'), ['10', '5', '0']);
  assert.equal(expandBraces('n{08..11}'), ['n08', 'n09', 'n10', 'n11']);
  assert.equal(expandBraces('{-1..1}'), ['-1', '0', '1']);
  assert.equal(expandBraces('{a..c}'), ['a', 'b', 'c']);
});

braces('{x,y} alternatives, nested, empty, several braces in product order', () => {
  assert.equal(expandBraces('{web,db}.service'), ['web.service', 'db.service']);
  assert.equal(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  assert.equal(expandBraces('app{,-canary}.service'), ['app.service', 'app-canary.service']);
  assert.equal(expandBraces('{a,b}{1,2}'), ['a1', 'a2', 'b1', 'b2']);
  assert.equal(expandBraces('{web,db}@{1..2}'), ['web@1', 'web@2', 'db@1', 'db@2']);
  assert.equal(expandBraces('{a,{1..2}}'), ['a', '1', '2']);
});

braces('braces without a comma or a sequence, unbalanced ones and escaped ones stay as written', () => {
  assert.equal(expandBraces('plain.service'), ['plain.service']);
  assert.equal(expandBraces('a{b}c'), ['a{b}c']);
  assert.equal(expandBraces('a{}c'), ['a{}c']);
  assert.equal(expandBraces('a{b,c'), ['a{b,c']);
  assert.equal(expandBraces('{{a,b}'), ['{a', '{b']);
  assert.equal(expandBraces('a{b}c{d,e}'), ['a{b}cd', 'a{b}ce']);
  assert.equal(expandBraces('a\\{b,c}'), ['a\\{b,c}']);
  assert.equal(expandBraces('{a\\,b,c}'), ['a\\,b', 'c']);
  assert.equal(expandBraces('{1..a}'), ['{1..a}']);
  assert.equal(expandBraces('foo\\x2dbar.service'), ['foo\\x2dbar.service']);
});

braces('a runaway expansion is refused rather than printed', () => {
  assert.throws(() => expandBraces('{1..100000}'), (error: Error) => error instanceof BraceExpansionError);
  assert.throws(() => expandBraces('{1..100}{1..100}{1..100}'), (error: Error) => error instanceof BraceExpansionError);
});

braces.run();
