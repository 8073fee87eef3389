import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DeclaredGlobs, literalPrefix } from '../../core/index.js';

const globs = suite('core: declared globs');

globs('literal prefixes stop at the first wildcard or escape', () => {
  const cases: [string, string][] = [
    ['app@*.service', 'app@'],
    ['app@1.service', 'app@1.service'],
    ['*.service', ''],
    ['db-?.service', 'db-'],
    ['db-[0-9].service', 'db-'],
    ['db\\*.service', 'db'],
  ];
  for (const [glob, prefix] of cases) assert.is(literalPrefix(glob), prefix, glob);
});

globs('a name finds the globs that match it and who declares each, until the last owner removes one', () => {
  const declared = new DeclaredGlobs<string>();
  const matching = (name: string) => {
    const found: string[] = [];
    declared.forEachMatching(name, (glob, owner) => found.push(`${glob} ${owner}`));
    return found;
  };
  declared.add('x', ['*.service', 'app@*.service', 'app@1.service']);
  declared.add('y', ['app@*.service', 'db*']);
  assert.equal(matching('app@1.service'), ['*.service x', 'app@*.service x', 'app@*.service y', 'app@1.service x']);
  assert.equal(matching('db'), ['db* y']);
  assert.equal(matching('ap'), []);
  declared.remove('x', ['app@*.service', 'app@1.service']);
  assert.equal(matching('app@1.service'), ['*.service x', 'app@*.service y']);
  declared.remove('y', ['app@*.service', 'not-declared']);
  assert.equal(matching('app@1.service'), ['*.service x']);
});

globs.run();
