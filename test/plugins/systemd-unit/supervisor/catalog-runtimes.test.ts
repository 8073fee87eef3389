import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecRuntime } from '../../../../core/index.js';
import { UnitCatalog } from '../../../../plugins/systemd-unit/supervisor/unit-catalog.js';
import { tempDir } from '../../../support/temp-dir.js';
import { DEFAULTS, SPECIFIERS } from './harness.js';

// Runtimes take part in loading: they generate settings from their own sections (as Quadlet turns
// [Container] into ExecStart=) and check the command lines they would run, located by file and line.
const test = suite('systemd-unit: runtimes at load time');

/** A runtime for `demo` commands: [Demo] Run=X becomes ExecStart=demo X; `demo --bad` is refused. */
const demoRuntime: ExecRuntime = {
  name: 'demo',
  accepts: (spec) => spec.program === 'demo',
  check: async () => ({ ok: true }),
  spawn: async () => {
    throw new Error('not used here');
  },
  generate: (unit) => {
    const runs = unit.entries.filter((e) => e.section === 'Demo');
    if (runs.length === 0) return undefined;
    return {
      settings: runs.filter((e) => e.key === 'Run').map((e) => ({ section: 'Service', key: 'ExecStart', value: `demo ${e.value}`, file: e.file, line: e.line })),
      problems: runs.filter((e) => e.key !== 'Run').map((e) => ({ file: e.file, line: e.line, message: `unknown key ${e.key} in [Demo]` })),
    };
  },
  inspect: (command) => (command.program === 'demo' && command.args.includes('--bad') ? `demo does not know --bad` : undefined),
  providedUnits: () => ({ 'demo-engine.service': '[Unit]\nDescription=Demo engine\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' }),
};

test('a generated ExecStart= makes a unit without one loadable; problems name file and line', async () => {
  const dir = tempDir();
  try {
    const units = path.join(dir.path, 'units');
    mkdirSync(units);
    writeFileSync(path.join(units, 'gen.service'), '[Unit]\nDescription=Generated\n\n[Demo]\nRun=hello world\n');
    writeFileSync(path.join(units, 'odd.service'), '[Demo]\nRun=x\nColour=blue\n');
    writeFileSync(path.join(units, 'bad.service'), '[Service]\nExecStart=/bin/true\nExecStop=demo --bad\n');
    const catalog = new UnitCatalog([units], SPECIFIERS, DEFAULTS, () => [demoRuntime]);

    const gen = await catalog.read('gen.service');
    assert.is(gen.loadState, 'loaded', gen.reason);
    assert.equal(gen.definition!.service!.execStart.map((c) => [c.path, ...c.args]), [['demo', 'hello', 'world']]);
    assert.is(gen.definition!.service!.execStart[0]!.line, 5);

    const odd = await catalog.read('odd.service');
    assert.is(odd.loadState, 'bad-setting');
    assert.match(odd.reason!, /odd\.service:3: unknown key Colour in \[Demo\]/);

    const bad = await catalog.read('bad.service');
    assert.is(bad.loadState, 'bad-setting');
    assert.match(bad.reason!, /bad\.service:3: demo does not know --bad/);

    const plain = new UnitCatalog([units], SPECIFIERS, DEFAULTS);
    assert.is((await plain.read('gen.service')).loadState, 'bad-setting', 'without the runtime there is no ExecStart=');
  } finally {
    dir.cleanup();
  }
});

test('a runtime provides units by name; a unit file of that name wins', async () => {
  const dir = tempDir();
  try {
    const units = path.join(dir.path, 'units');
    mkdirSync(units);
    const catalog = new UnitCatalog([units], SPECIFIERS, DEFAULTS, () => [demoRuntime]);
    const provided = await catalog.read('demo-engine.service');
    assert.is(provided.loadState, 'loaded');
    assert.is(provided.definition!.description, 'Demo engine');
    assert.equal((await catalog.files('demo-engine.service')).map((f) => f.path), ['(builtin)/demo-engine.service']);
    writeFileSync(path.join(units, 'demo-engine.service'), '[Unit]\nDescription=Local override\n[Service]\nExecStart=/bin/true\n');
    assert.is((await catalog.read('demo-engine.service')).definition!.description, 'Local override');
    assert.is((await new UnitCatalog([units], SPECIFIERS, DEFAULTS).read('other.service')).loadState, 'not-found');
  } finally {
    dir.cleanup();
  }
});

test.run();
