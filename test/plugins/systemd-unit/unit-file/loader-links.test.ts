import { existsSync, lstatSync, readlinkSync, symlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDefinition } from '../../../../plugins/systemd-unit/unit-file/definition-builder.js';
import { UnitEnableError, UnitLinks } from '../../../../plugins/systemd-unit/unit-file/links.js';
import { UnitLoader } from '../../../../plugins/systemd-unit/unit-file/loader.js';
import { rejects } from '../../../support/rejects.js';
import { DEFAULTS, SPECIFIERS, unitTree } from './loader-fixtures.js';

const test = suite('systemd-unit: enablement links');

const APP = '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nRequiredBy=web.target\nAlias=application.service\n';

function setUp(files: Record<string, string | { link: string }>) {
  const tree = unitTree(files);
  const loader = new UnitLoader([tree.dir('etc'), tree.dir('lib')]);
  const links = new UnitLinks(loader);
  const definition = async (name: string) => buildDefinition(await loader.load(name), SPECIFIERS, DEFAULTS);
  const rel = (paths: string[]) => paths.map((p) => path.relative(tree.root, p));
  return { tree, loader, links, definition, rel };
}

test('enable links WantedBy=, RequiredBy= and Alias= to the unit file; disable removes them; both are idempotent', async () => {
  const { tree, loader, links, definition, rel } = setUp({ 'lib/app.service': APP });
  try {
    assert.is(await links.unitFileState('app.service'), 'disabled');
    const def = await definition('app.service');
    const created = await links.enable(def);
    assert.equal(rel(created), ['etc/multi-user.target.wants/app.service', 'etc/web.target.requires/app.service', 'etc/application.service']);
    for (const link of created) assert.is(readlinkSync(link), tree.dir('lib/app.service'));
    assert.equal(await links.enable(def), []);
    assert.is(await links.unitFileState('app.service'), 'enabled');
    assert.equal(await links.wantedBy('multi-user.target'), ['app.service']);
    assert.equal(await links.requiredBy('web.target'), ['app.service']);
    // The alias link makes the unit loadable under the alias.
    assert.is((await loader.load('application.service')).name, 'app.service');

    const removed = await links.disable('app.service');
    assert.equal(rel(removed).sort(), ['etc/application.service', 'etc/multi-user.target.wants/app.service', 'etc/web.target.requires/app.service']);
    assert.equal(await links.disable('app.service'), []);
    assert.is(await links.unitFileState('app.service'), 'disabled');
    assert.equal(await links.wantedBy('multi-user.target'), []);
    assert.ok(existsSync(tree.dir('lib/app.service')));
  } finally {
    tree.cleanup();
  }
});

test('unitFileState: static without [Install] rules, indirect with only Also=, bad when masked or missing', async () => {
  const { tree, links, definition } = setUp({
    'lib/plain.service': '[Service]\nExecStart=/bin/true\n',
    'lib/empty-install.service': '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=\n',
    'lib/also.service': '[Service]\nExecStart=/bin/true\n[Install]\nAlso=plain.service\n',
    'etc/masked.service': { link: '/dev/null' },
    'lib/masked.service': APP,
  });
  try {
    assert.is(await links.unitFileState('plain.service'), 'static');
    assert.is(await links.unitFileState('empty-install.service'), 'static');
    assert.is(await links.unitFileState('also.service'), 'indirect');
    assert.is(await links.unitFileState('masked.service'), 'bad');
    assert.is(await links.unitFileState('missing.service'), 'bad');
    // Nothing to install: enable makes no links.
    assert.equal(await links.enable(await definition('plain.service')), []);
    await rejects(async () => links.enable(await definition('masked.service')), /masked or missing/);
  } finally {
    tree.cleanup();
  }
});

test('a template is enabled as its DefaultInstance=; without one it is refused and an instance must be enabled', async () => {
  const { tree, links, definition, rel } = setUp({
    'lib/getty@.service': '[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n',
    'lib/worker@.service': '[Service]\nExecStart=/usr/bin/worker %i\n[Install]\nWantedBy=multi-user.target\nAlias=job@.service\n',
  });
  try {
    assert.equal(rel(await links.enable(await definition('getty@.service'))), ['etc/getty.target.wants/getty@tty1.service']);
    assert.is(readlinkSync(tree.dir('etc/getty.target.wants/getty@tty1.service')), tree.dir('lib/getty@.service'));
    assert.is(await links.unitFileState('getty@.service'), 'enabled');
    assert.equal(await links.wantedBy('getty.target'), ['getty@tty1.service']);

    const refusal = await rejects(async () => links.enable(await definition('worker@.service')), UnitEnableError);
    assert.match(refusal.message, /worker@\.service is a template with no DefaultInstance=.*worker@NAME\.service/);
    assert.equal(await links.wantedBy('multi-user.target'), []);

    const created = await links.enable(await definition('worker@2.service'));
    assert.equal(rel(created), ['etc/multi-user.target.wants/worker@2.service', 'etc/job@2.service']);
    await links.enable(await definition('worker@3.service'));
    assert.equal(await links.wantedBy('multi-user.target'), ['worker@2.service', 'worker@3.service']);
    assert.is(await links.unitFileState('worker@2.service'), 'enabled');
    assert.is(await links.unitFileState('worker@9.service'), 'disabled');
    // The template itself is only linked through its instances.
    assert.is(await links.unitFileState('worker@.service'), 'indirect');

    assert.equal(rel(await links.disable('worker@2.service')).sort(), ['etc/job@2.service', 'etc/multi-user.target.wants/worker@2.service']);
    assert.equal(await links.wantedBy('multi-user.target'), ['worker@3.service']);
    assert.equal(rel(await links.disable('worker@.service')).sort(), ['etc/job@3.service', 'etc/multi-user.target.wants/worker@3.service']);
    assert.is(await links.unitFileState('worker@.service'), 'disabled');
  } finally {
    tree.cleanup();
  }
});

test('enable refuses to replace a link to something else, and changes nothing then; a dangling link is replaced', async () => {
  const { tree, links, definition, rel } = setUp({
    'lib/app.service': APP,
    'lib/other.service': '[Service]\nExecStart=/bin/true\n',
    'etc/web.target.requires/app.service': { link: '../../lib/other.service' },
  });
  try {
    const error = await rejects(async () => links.enable(await definition('app.service')), UnitEnableError);
    assert.match(error.message, /web\.target\.requires\/app\.service already links to .*other\.service/);
    assert.is(existsSync(tree.dir('etc/multi-user.target.wants/app.service')), false);

    mkdirSync(tree.dir('etc/multi-user.target.wants'), { recursive: true });
    symlinkSync(tree.dir('lib/gone.service'), tree.dir('etc/multi-user.target.wants/stale.service'));
    symlinkSync(tree.dir('lib/gone.service'), tree.dir('etc/application.service'));
    await links.disable('other.service');
    assert.equal(rel(await links.enable(await definition('app.service'))), [
      'etc/multi-user.target.wants/app.service',
      'etc/web.target.requires/app.service',
      'etc/application.service',
    ]);
    assert.is(readlinkSync(tree.dir('etc/application.service')), tree.dir('lib/app.service'));
  } finally {
    tree.cleanup();
  }
});

test('disable leaves the unit file, a linked unit file and a mask in place', async () => {
  const { tree, links, definition } = setUp({
    'elsewhere/linked.service': APP.replace('application', 'linked-alias'),
    'etc/app.service': APP,
    'etc/masked.service': { link: '/dev/null' },
  });
  try {
    symlinkSync(tree.dir('elsewhere/linked.service'), tree.dir('etc/linked.service'));
    await links.enable(await definition('app.service'));
    await links.enable(await definition('linked.service'));
    await links.disable('app.service');
    await links.disable('linked.service');
    await links.disable('masked.service');
    assert.ok(lstatSync(tree.dir('etc/app.service')).isFile());
    assert.ok(lstatSync(tree.dir('etc/linked.service')).isSymbolicLink());
    assert.is(readlinkSync(tree.dir('etc/masked.service')), '/dev/null');
    assert.equal(await links.wantedBy('multi-user.target'), []);
  } finally {
    tree.cleanup();
  }
});

test('wantedBy reads every search directory, the target’s aliases and template directories', async () => {
  const { tree, links } = setUp({
    'etc/graphical.target.wants/b.service': { link: '../../lib/b.service' },
    'lib/graphical.target': '[Unit]\n',
    'lib/default.target': { link: 'graphical.target' },
    'lib/default.target.wants/a.service': { link: '../a.service' },
    'lib/graphical.target.wants/b.service': { link: '../b.service' },
    'lib/graphical.target.wants/not-a-unit': 'x',
    'lib/a.service': '[Service]\nExecStart=/bin/true\n',
    'lib/b.service': '[Service]\nExecStart=/bin/true\n',
    'lib/pool@.target': '[Unit]\n',
    'lib/pool@.target.wants/member@.service': { link: '../member@.service' },
    'lib/pool@.target.wants/shared.service': { link: '../shared.service' },
    'lib/pool@blue.target.requires/blue-only.service': { link: '../blue-only.service' },
  });
  try {
    assert.equal(await links.wantedBy('graphical.target'), ['a.service', 'b.service']);
    assert.equal(await links.wantedBy('default.target'), ['a.service', 'b.service']);
    assert.equal(await links.wantedBy('pool@blue.target'), ['member@blue.service', 'shared.service']);
    assert.equal(await links.requiredBy('pool@blue.target'), ['blue-only.service']);
    assert.equal(await links.requiredBy('pool@red.target'), []);
  } finally {
    tree.cleanup();
  }
});

test.run();
