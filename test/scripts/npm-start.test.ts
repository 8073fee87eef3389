import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTIN_PLUGINS } from '../../plugins/catalog.js';
import { FLEET_CONSTRAINTS, loadNodeConfig } from '../../core/index.js';

// The README's `npm ci && npm start` must run the node the docs describe, store included.
const start = suite('npm start');

start('runs flotilla up with config/default.yaml, which enables the key/value store, the journal, units and the cluster scheduler', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const match = /node cli\/bin\/run\.js up --config (\S+)$/.exec(pkg.scripts.start!);
  assert.ok(match, `unexpected start script: ${pkg.scripts.start}`);
  const loaded = await loadNodeConfig({ file: match![1], env: {}, catalog: BUILTIN_PLUGINS });
  assert.equal(loaded.plugins.map((p) => p.plugin.id), [
    'raft-kv',
    'journal',
    'systemd-unit',
    'fleet-scheduler',
    ...FLEET_CONSTRAINTS,
  ]);
  assert.is(loaded.config.api.port, 2379);
});

start.run();
