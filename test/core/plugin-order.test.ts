import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { orderPlugins, PluginGraphError } from '../../core/index.js';

const order = suite('core: plugin order');

const ids = (plugins: { id: string }[]) => plugins.map((p) => p.id);

order('dependencies come first; otherwise the given order is kept', () => {
  const sorted = orderPlugins([
    { id: 'fleet-constraint-conflicts', dependsOn: ['fleet-scheduler'] },
    { id: 'journal' },
    { id: 'fleet-scheduler', dependsOn: ['raft-kv', 'systemd-unit'] },
    { id: 'systemd-unit', dependsOn: ['journal'] },
    { id: 'raft-kv' },
  ]);
  assert.equal(ids(sorted), ['journal', 'systemd-unit', 'raft-kv', 'fleet-scheduler', 'fleet-constraint-conflicts']);
});

order('a cycle is reported with its whole chain', () => {
  try {
    orderPlugins([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['c'] }, { id: 'c', dependsOn: ['a'] }]);
    assert.unreachable('a cycle must be refused');
  } catch (error) {
    assert.instance(error, PluginGraphError);
    assert.is((error as Error).message, 'dependency cycle: a -> b -> c -> a');
  }
});

order('a missing dependency is reported with the chain that needs it', () => {
  assert.throws(
    () => orderPlugins([{ id: 'web', dependsOn: ['fleet-scheduler'] }, { id: 'fleet-scheduler', dependsOn: ['raft-kv'] }]),
    (error: Error) =>
      error instanceof PluginGraphError &&
      error.message.includes('plugin "fleet-scheduler" depends on "raft-kv", which is not enabled') &&
      error.message.includes('web -> fleet-scheduler -> raft-kv'),
  );
});

order('a self-dependency is a cycle', () => {
  assert.throws(() => orderPlugins([{ id: 'a', dependsOn: ['a'] }]), /dependency cycle: a -> a/);
});

order('an id enabled twice is refused', () => {
  assert.throws(() => orderPlugins([{ id: 'a' }, { id: 'a' }]), /enabled twice/);
});

order('startsAfter orders after an enabled plugin and is ignored when that plugin is not enabled', () => {
  const ids = (list: { id: string; dependsOn?: string[]; startsAfter?: string[] }[]) => orderPlugins(list).map((p) => p.id);
  assert.equal(ids([{ id: 'units', startsAfter: ['docker'] }, { id: 'docker' }]), ['docker', 'units']);
  assert.equal(ids([{ id: 'units', startsAfter: ['docker'] }, { id: 'journal' }]), ['units', 'journal']);
  assert.throws(() => orderPlugins([{ id: 'a', startsAfter: ['b'] }, { id: 'b', dependsOn: ['a'] }]), /dependency cycle: a -> b -> a/);
});

order.run();
