import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnitLoader } from '../../../../plugins/systemd-unit/unit-file/loader.js';
import { unitTree, writeTree } from './loader-fixtures.js';

const test = suite('systemd-unit: loader search path');

const SERVICE = (what: string) => `[Unit]\nDescription=${what}\n[Service]\nExecStart=/bin/true\n`;

test('the first directory of the search path that has the name wins', async () => {
  const tree = unitTree({
    'etc/app.service': SERVICE('etc'),
    'lib/app.service': SERVICE('lib'),
    'lib/other.service': SERVICE('lib other'),
  });
  try {
    const loader = new UnitLoader([tree.dir('etc'), tree.dir('missing'), tree.dir('lib')]);
    assert.equal(await loader.find('app.service'), { name: 'app.service', aliases: [], path: tree.dir('etc/app.service'), masked: false });
    const other = await loader.load('other.service');
    assert.is(other.fragmentPath, tree.dir('lib/other.service'));
    assert.equal(other.texts, [{ path: tree.dir('lib/other.service'), text: SERVICE('lib other') }]);
    assert.equal(other.sections[0]!.entries[0]!, { key: 'Description', value: 'lib other', file: tree.dir('lib/other.service'), line: 2 });
    assert.is(other.notFound, false);
    assert.is(other.masked, false);
  } finally {
    tree.cleanup();
  }
});

test('a missing unit is notFound; an invalid name is not looked up', async () => {
  const tree = unitTree({ 'units/app.service': SERVICE('x') });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    const missing = await loader.load('nope.service');
    assert.equal(
      { notFound: missing.notFound, masked: missing.masked, texts: missing.texts, fragmentPath: missing.fragmentPath },
      { notFound: true, masked: false, texts: [], fragmentPath: undefined },
    );
    assert.is(await loader.find('app'), undefined);
    assert.is(await loader.find('app.conf'), undefined);
  } finally {
    tree.cleanup();
  }
});

test('an instance without a file of its own uses its template; an instance file wins over the template', async () => {
  const tree = unitTree({
    'units/app@.service': SERVICE('template %i'),
    'units/app@special.service': SERVICE('special'),
  });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    const one = await loader.load('app@1.service');
    assert.is(one.name, 'app@1.service');
    assert.is(one.fragmentPath, tree.dir('units/app@.service'));
    assert.is(one.sections[0]!.entries[0]!.value, 'template %i');
    const special = await loader.load('app@special.service');
    assert.is(special.fragmentPath, tree.dir('units/app@special.service'));
    // A template in a higher-precedence directory does not hide a lower directory's instance file:
    // the instance's own name is looked up first, everywhere.
    const layered = unitTree({ 'etc/app@.service': SERVICE('etc template'), 'lib/app@x.service': SERVICE('lib instance') });
    try {
      const found = await new UnitLoader([layered.dir('etc'), layered.dir('lib')]).find('app@x.service');
      assert.is(found?.path, layered.dir('lib/app@x.service'));
    } finally {
      layered.cleanup();
    }
  } finally {
    tree.cleanup();
  }
});

test('a template is not a fallback for a plain name, and a plain name is not a fallback for an instance', async () => {
  const tree = unitTree({ 'units/app@.service': SERVICE('t'), 'units/db.service': SERVICE('db') });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    assert.is((await loader.load('app.service')).notFound, true);
    assert.is((await loader.load('db@1.service')).notFound, true);
  } finally {
    tree.cleanup();
  }
});

test('a symlink to another unit name is an alias: the unit is loaded under its own name and records the alias', async () => {
  const tree = unitTree({
    'units/real.service': SERVICE('real'),
    'units/nick.service': { link: 'real.service' },
    'units/getty@.service': SERVICE('getty %i'),
    'units/autovt@.service': { link: 'getty@.service' },
    'units/other.socket': '[Socket]\nListenStream=1\n',
    'units/wrong.service': { link: 'other.socket' },
  });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    const viaAlias = await loader.load('nick.service');
    assert.is(viaAlias.name, 'real.service');
    assert.equal(viaAlias.aliases, ['nick.service']);
    assert.is(viaAlias.fragmentPath, tree.dir('units/real.service'));
    // Loading the unit by its own name also knows its aliases.
    assert.equal((await loader.find('real.service'))?.aliases, ['nick.service']);
    // A template alias carries the instance over.
    const vt = await loader.load('autovt@tty2.service');
    assert.is(vt.name, 'getty@tty2.service');
    assert.equal(vt.aliases, ['autovt@tty2.service']);
    assert.is(vt.fragmentPath, tree.dir('units/getty@.service'));
    assert.equal((await loader.find('getty@tty5.service'))?.aliases, ['autovt@tty5.service']);
    // A link to a unit of another type is refused, as systemd does.
    assert.is(await loader.find('wrong.service'), undefined);
  } finally {
    tree.cleanup();
  }
});

test('an alias loop names no unit', async () => {
  const tree = unitTree({ 'units/a.service': { link: 'b.service' }, 'units/b.service': { link: 'a.service' } });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    assert.is(await loader.find('a.service'), undefined);
    assert.is((await loader.load('b.service')).notFound, true);
  } finally {
    tree.cleanup();
  }
});

test('an alias resolves by name through the search path, so an override of its target applies', async () => {
  const tree = unitTree({
    'etc/real.service': SERVICE('override'),
    'lib/real.service': SERVICE('vendor'),
    'lib/nick.service': { link: 'real.service' },
  });
  try {
    const loaded = await new UnitLoader([tree.dir('etc'), tree.dir('lib')]).load('nick.service');
    assert.is(loaded.name, 'real.service');
    assert.is(loaded.fragmentPath, tree.dir('etc/real.service'));
  } finally {
    tree.cleanup();
  }
});

test('a symlink with the same name to a file elsewhere is a linked unit file', async () => {
  const tree = unitTree({ 'elsewhere/app.service': SERVICE('linked') });
  try {
    writeTree(tree.root, { 'units/app.service': { link: tree.dir('elsewhere/app.service') } });
    const loader = new UnitLoader([tree.dir('units')]);
    const loaded = await loader.load('app.service');
    assert.is(loaded.name, 'app.service');
    assert.is(loaded.fragmentPath, tree.dir('elsewhere/app.service'));
    assert.equal(
      (await loader.listUnitFiles()).map((e) => [e.name, e.kind]),
      [['app.service', 'linked']],
    );
  } finally {
    tree.cleanup();
  }
});

test('a link to /dev/null or an empty file masks the unit, also in front of a lower directory and for instances', async () => {
  const tree = unitTree({
    'etc/app.service': { link: '/dev/null' },
    'lib/app.service': SERVICE('vendor'),
    'lib/empty.service': '',
    'lib/tpl@.service': { link: '/dev/null' },
    'lib/nick.service': { link: 'empty.service' },
  });
  try {
    const loader = new UnitLoader([tree.dir('etc'), tree.dir('lib')]);
    const masked = await loader.load('app.service');
    assert.equal(
      { masked: masked.masked, notFound: masked.notFound, texts: masked.texts, fragmentPath: masked.fragmentPath },
      { masked: true, notFound: false, texts: [], fragmentPath: undefined },
    );
    assert.is((await loader.load('empty.service')).masked, true);
    assert.is((await loader.load('tpl@1.service')).masked, true);
    assert.is((await loader.load('nick.service')).masked, true);
  } finally {
    tree.cleanup();
  }
});

test('listUnitFiles lists every name once, from the directory that wins, with what it is', async () => {
  const tree = unitTree({
    'etc/app.service': { link: '/dev/null' },
    'etc/app.service.d/x.conf': '[Service]\n',
    'etc/multi-user.target.wants/db.service': { link: '../db.service' },
    'lib/app.service': SERVICE('vendor'),
    'lib/db.service': SERVICE('db'),
    'lib/nick.service': { link: 'db.service' },
    'lib/tpl@.service': SERVICE('t'),
    'lib/README': 'not a unit',
    'lib/dangling.service': { link: 'gone.service' },
    'lib/.hidden.service': SERVICE('hidden'),
  });
  try {
    const loader = new UnitLoader([tree.dir('etc'), tree.dir('lib')]);
    const entries = await loader.listUnitFiles();
    assert.equal(
      entries.map((e) => [e.name, e.kind, path.relative(tree.root, e.dir), e.aliasOf]),
      [
        ['app.service', 'masked', 'etc', undefined],
        // A link to a name in the search path is an alias even when nothing has that name.
        ['dangling.service', 'alias', 'lib', 'gone.service'],
        ['db.service', 'file', 'lib', undefined],
        ['nick.service', 'alias', 'lib', 'db.service'],
        ['tpl@.service', 'file', 'lib', undefined],
      ],
    );
    assert.is((await loader.load('dangling.service')).notFound, true);
  } finally {
    tree.cleanup();
  }
});

test('the name map is rebuilt when a search directory changes', async () => {
  const tree = unitTree({ 'units/a.service': SERVICE('a') });
  try {
    const loader = new UnitLoader([tree.dir('units')]);
    assert.is((await loader.load('b.service')).notFound, true);
    writeFileSync(tree.dir('units/b.service'), SERVICE('b'));
    assert.is((await loader.load('b.service')).notFound, false);
    rmSync(tree.dir('units/a.service'));
    symlinkSync('/dev/null', tree.dir('units/a.service'));
    assert.is((await loader.load('a.service')).masked, true);
    assert.equal(
      (await loader.listUnitFiles()).map((e) => e.name),
      ['a.service', 'b.service'],
    );
  } finally {
    tree.cleanup();
  }
});

test.run();
