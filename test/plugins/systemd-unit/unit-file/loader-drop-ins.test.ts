import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDefinition } from '../../../../plugins/systemd-unit/unit-file/definition-builder.js';
import { dropInDirs, dropInNames, findDropIns } from '../../../../plugins/systemd-unit/unit-file/drop-ins.js';
import { UnitLoader } from '../../../../plugins/systemd-unit/unit-file/loader.js';
import { DEFAULTS, SPECIFIERS, unitTree } from './loader-fixtures.js';

const test = suite('systemd-unit: drop-ins');

const SERVICE = '[Service]\nExecStart=/bin/true\n';
const describe = (what: string) => `[Unit]\nDescription=${what}\n`;

/** The Description= values in the order they were applied. */
function descriptions(loaded: Awaited<ReturnType<UnitLoader['load']>>): string[] {
  return loaded.sections.find((s) => s.name === 'Unit')?.entries.filter((e) => e.key === 'Description').map((e) => e.value) ?? [];
}

test('dropInNames: the name, its template, then each dash prefix, most specific first', () => {
  assert.equal(dropInNames('foo-bar-baz@inst.service'), ['foo-bar-baz@inst.service', 'foo-bar-baz@.service', 'foo-bar-.service', 'foo-.service']);
  assert.equal(dropInNames('foo-bar-baz.service'), ['foo-bar-baz.service', 'foo-bar-.service', 'foo-.service']);
  assert.equal(dropInNames('foo-bar-.service'), ['foo-bar-.service', 'foo-.service']);
  assert.equal(dropInNames('app.target'), ['app.target']);
  // Dashes in the instance do not count; a leading dash ends the walk.
  assert.equal(dropInNames('getty@tty-1.service'), ['getty@tty-1.service', 'getty@.service']);
  assert.equal(dropInNames('-.slice'), ['-.slice']);
  assert.equal(dropInNames('-foo-bar.service'), ['-foo-bar.service', '-foo-.service']);
});

test('dropInDirs: per search directory from specific to generic, then the top-level type directories last', () => {
  assert.equal(dropInDirs(['/etc/u', '/lib/u'], ['a-b@x.service', 'nick-x.service'], '.d'), [
    '/etc/u/a-b@x.service.d',
    '/etc/u/a-b@.service.d',
    '/etc/u/a-.service.d',
    '/etc/u/nick-x.service.d',
    '/etc/u/nick-.service.d',
    '/lib/u/a-b@x.service.d',
    '/lib/u/a-b@.service.d',
    '/lib/u/a-.service.d',
    '/lib/u/nick-x.service.d',
    '/lib/u/nick-.service.d',
    '/etc/u/service.d',
    '/lib/u/service.d',
  ]);
  assert.equal(dropInDirs(['/u'], ['multi-user.target'], '.wants'), ['/u/multi-user.target.wants', '/u/multi-.target.wants', '/u/target.wants']);
});

test('drop-ins apply after the unit file, in lexicographic (bytewise) order of file name across directories', async () => {
  const tree = unitTree({
    'etc/app.service.d/20-b.conf': describe('etc 20'),
    'lib/app.service': describe('fragment') + SERVICE,
    'lib/app.service.d/10-a.conf': describe('lib 10'),
    'lib/app.service.d/9-z.conf': describe('lib 9'),
    'lib/app.service.d/Z-upper.conf': describe('lib Z'),
    'lib/app.service.d/notes.txt': describe('not a drop-in'),
    'lib/app.service.d/.hidden.conf': describe('hidden'),
  });
  try {
    const loaded = await new UnitLoader([tree.dir('etc'), tree.dir('lib')]).load('app.service');
    assert.equal(
      loaded.dropInPaths.map((p) => path.relative(tree.root, p)),
      ['lib/app.service.d/10-a.conf', 'etc/app.service.d/20-b.conf', 'lib/app.service.d/9-z.conf', 'lib/app.service.d/Z-upper.conf'],
    );
    assert.equal(descriptions(loaded), ['fragment', 'lib 10', 'etc 20', 'lib 9', 'lib Z']);
    assert.equal(
      loaded.texts.map((t) => path.relative(tree.root, t.path)),
      ['lib/app.service', ...loaded.dropInPaths.map((p) => path.relative(tree.root, p))],
    );
    // The last assignment of a single-valued setting wins.
    assert.is(buildDefinition(loaded, SPECIFIERS, DEFAULTS).description, 'lib Z');
  } finally {
    tree.cleanup();
  }
});

test('of same-named drop-ins the one in the higher-precedence search directory wins, whatever its level', async () => {
  const tree = unitTree({
    'etc/app-web.service.d/override.conf': describe('etc exact'),
    'lib/app-web.service': SERVICE,
    'lib/app-web.service.d/override.conf': describe('lib exact'),
    // A generic etc drop-in still beats a specific lib one of the same name.
    'etc/app-.service.d/prefix.conf': describe('etc prefix'),
    'lib/app-web.service.d/prefix.conf': describe('lib exact prefix'),
  });
  try {
    const loaded = await new UnitLoader([tree.dir('etc'), tree.dir('lib')]).load('app-web.service');
    assert.equal(
      loaded.dropInPaths.map((p) => path.relative(tree.root, p)),
      ['etc/app-web.service.d/override.conf', 'etc/app-.service.d/prefix.conf'],
    );
    assert.equal(descriptions(loaded), ['etc exact', 'etc prefix']);
  } finally {
    tree.cleanup();
  }
});

test('dash-prefix hierarchy and instances: the more specific directory overrides a same-named file higher up', async () => {
  const tree = unitTree({
    'u/foo-bar-baz@.service': SERVICE,
    'u/service.d/10-all.conf': describe('service.d'),
    'u/service.d/50-same.conf': describe('service.d same'),
    'u/foo-.service.d/20-foo.conf': describe('foo-'),
    'u/foo-.service.d/50-same.conf': describe('foo- same'),
    'u/foo-bar-.service.d/30-foobar.conf': describe('foo-bar-'),
    'u/foo-bar-.service.d/50-same.conf': describe('foo-bar- same'),
    'u/foo-bar-baz@.service.d/40-template.conf': describe('template'),
    'u/foo-bar-baz@.service.d/50-same.conf': describe('template same'),
    'u/foo-bar-baz@inst.service.d/45-instance.conf': describe('instance'),
    'u/foo-bar-baz@inst.service.d/50-same.conf': describe('instance same'),
    'u/foo-bar-baz@other.service.d/99-other.conf': describe('other instance'),
    'u/target.d/60-targets.conf': describe('targets only'),
  });
  try {
    const loader = new UnitLoader([tree.dir('u')]);
    const inst = await loader.load('foo-bar-baz@inst.service');
    assert.equal(
      inst.dropInPaths.map((p) => path.relative(tree.dir('u'), p)),
      [
        'service.d/10-all.conf',
        'foo-.service.d/20-foo.conf',
        'foo-bar-.service.d/30-foobar.conf',
        'foo-bar-baz@.service.d/40-template.conf',
        'foo-bar-baz@inst.service.d/45-instance.conf',
        'foo-bar-baz@inst.service.d/50-same.conf',
      ],
    );
    // Without an instance directory, the template's same-named drop-in is the most specific.
    const other = await loader.load('foo-bar-baz@x.service');
    assert.ok(other.dropInPaths.includes(path.join(tree.dir('u'), 'foo-bar-baz@.service.d/50-same.conf')));
    assert.is(other.dropInPaths.some((p) => p.includes('@inst') || p.includes('@other')), false);
  } finally {
    tree.cleanup();
  }
});

test('the top-level service.d applies to every service with the lowest precedence, in every search directory', async () => {
  const tree = unitTree({
    'etc/service.d/50-x.conf': describe('etc top'),
    'lib/service.d/50-x.conf': describe('lib top'),
    'lib/service.d/60-y.conf': describe('lib top y'),
    'lib/app.service': SERVICE,
    'lib/app.service.d/60-y.conf': describe('app y'),
    'lib/web.target': '[Unit]\nDescription=web\n',
  });
  try {
    const loader = new UnitLoader([tree.dir('etc'), tree.dir('lib')]);
    const app = await loader.load('app.service');
    assert.equal(
      app.dropInPaths.map((p) => path.relative(tree.root, p)),
      ['etc/service.d/50-x.conf', 'lib/app.service.d/60-y.conf'],
    );
    assert.equal((await loader.load('web.target')).dropInPaths, []);
  } finally {
    tree.cleanup();
  }
});

test('drop-ins override the unit file wherever it lives, and an alias name brings its drop-ins', async () => {
  const tree = unitTree({
    'etc/app.service': describe('etc fragment') + SERVICE,
    'lib/app.service.d/override.conf': describe('lib drop-in'),
    'lib/nick.service': { link: 'app.service' },
    'lib/nick.service.d/alias.conf': describe('alias drop-in'),
  });
  try {
    const loader = new UnitLoader([tree.dir('etc'), tree.dir('lib')]);
    const byName = await loader.load('app.service');
    assert.equal(descriptions(byName), ['etc fragment', 'alias drop-in', 'lib drop-in']);
    const byAlias = await loader.load('nick.service');
    assert.equal(byAlias.dropInPaths, byName.dropInPaths);
  } finally {
    tree.cleanup();
  }
});

test('a drop-in linked to /dev/null hides lower same-named drop-ins and adds nothing', async () => {
  const tree = unitTree({
    'etc/app.service.d/vendor.conf': { link: '/dev/null' },
    'lib/app.service': SERVICE,
    'lib/app.service.d/vendor.conf': describe('vendor'),
  });
  try {
    const loaded = await new UnitLoader([tree.dir('etc'), tree.dir('lib')]).load('app.service');
    assert.equal(loaded.dropInPaths, [tree.dir('etc/app.service.d/vendor.conf')]);
    assert.equal(descriptions(loaded), []);
    assert.equal(loaded.diagnostics, []);
  } finally {
    tree.cleanup();
  }
});

test('an assignment before any section header in a drop-in is an error at its file and line', async () => {
  const tree = unitTree({
    'u/app.service': SERVICE,
    'u/app.service.d/bad.conf': '# no header\nExecStart=/bin/false\n[Service]\nRestart=always\n',
  });
  try {
    const loaded = await new UnitLoader([tree.dir('u')]).load('app.service');
    const [problem, ...rest] = loaded.diagnostics;
    assert.equal(rest, []);
    assert.is(problem?.severity, 'error');
    assert.is(problem?.file, tree.dir('u/app.service.d/bad.conf'));
    assert.is(problem?.line, 2);
    assert.is(problem?.key, 'ExecStart');
    // The rest of the drop-in still applies.
    const def = buildDefinition(loaded, SPECIFIERS, DEFAULTS);
    assert.is(def.service?.restart, 'always');
    assert.equal(
      def.service?.execStart.map((c) => c.path),
      ['/bin/true'],
    );
  } finally {
    tree.cleanup();
  }
});

test('the ExecStart= reset idiom replaces the command; without the reset a simple service has two and is refused', async () => {
  const tree = unitTree({
    'u/app.service': '[Service]\nExecStart=/usr/bin/app --old\nEnvironment=A=1\n',
    'u/app.service.d/override.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/app --new\nEnvironment=\nEnvironment=B=2\n',
    'u/two.service': '[Service]\nExecStart=/usr/bin/two --old\n',
    'u/two.service.d/override.conf': '[Service]\nExecStart=/usr/bin/two --new\n',
  });
  try {
    const loader = new UnitLoader([tree.dir('u')]);
    const app = buildDefinition(await loader.load('app.service'), SPECIFIERS, DEFAULTS);
    assert.equal(app.service?.execStart.map((c) => [c.path, ...c.args]), [['/usr/bin/app', '--new']]);
    assert.is(app.service?.execStart[0]?.file, tree.dir('u/app.service.d/override.conf'));
    assert.equal(app.service?.environment, [['B', '2']]);
    assert.equal(app.diagnostics, []);
    const two = buildDefinition(await loader.load('two.service'), SPECIFIERS, DEFAULTS);
    assert.equal(
      two.diagnostics.map((d) => [d.severity, d.message]),
      [['error', 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.']],
    );
  } finally {
    tree.cleanup();
  }
});

test('findDropIns works on names alone and ignores missing directories', async () => {
  const tree = unitTree({ 'u/x-y.service.d/a.conf': '[Unit]\n', 'u/x-.service.d/b.conf': '[Unit]\n' });
  try {
    assert.equal(
      (await findDropIns([tree.dir('nowhere'), tree.dir('u')], ['x-y.service'])).map((p) => path.basename(p)),
      ['a.conf', 'b.conf'],
    );
  } finally {
    tree.cleanup();
  }
});

test.run();
