import type { ConfigPath } from '../config-error.js';
import type { PlainObject } from '../overlay.js';
import { booleanAt, checkKeys, listAt, mappingAt, stringAt } from './document-keys.js';
import { FLEET_CONSTRAINTS, PLUGIN } from './plugin-ids.js';
import type { Translation } from './translation.js';

const UNIT_KEYS = { read: ['name', 'content', 'command', 'enable', 'runtime', 'mask', 'drop-ins'] };
const DROP_IN_KEYS = { read: ['name', 'content'] };

/** CoreOS units that are plugins here: naming one without content runs the plugin, and says where its options go. */
const PLUGIN_UNITS: Readonly<Record<string, { plugins: readonly string[]; options: string }>> = {
  'etcd.service': { plugins: [PLUGIN.kv], options: 'coreos.etcd' },
  'etcd2.service': { plugins: [PLUGIN.kv], options: 'coreos.etcd2' },
  'fleet.service': { plugins: [PLUGIN.fleet, ...FLEET_CONSTRAINTS], options: 'coreos.fleet' },
  'fleet.socket': { plugins: [PLUGIN.fleet, ...FLEET_CONSTRAINTS], options: 'coreos.fleet' },
  'docker.service': { plugins: [PLUGIN.docker], options: 'flotilla.plugins.docker-runtime' },
  'docker.socket': { plugins: [PLUGIN.docker], options: 'flotilla.plugins.docker-runtime' },
};

/** CoreOS's own machinery, which has no counterpart here. */
const ABSENT_UNITS: Readonly<Record<string, string>> = {
  'update-engine.service': 'Flotilla does not update the operating system',
  'locksmithd.service': 'Flotilla does not coordinate reboots',
  'flanneld.service': 'Flotilla has no overlay network',
};

/** Commands that leave a plugin unit running, which is all a plugin does. */
const RUNNING_COMMANDS = ['start', 'restart', 'try-restart', 'reload', 'reload-or-restart', 'reload-or-try-restart'];

/** `coreos.units`: the units the cloud-config plugin writes and acts on once the unit manager runs. */
export function translateUnits(t: Translation, list: readonly unknown[], at: ConfigPath): void {
  const units: PlainObject[] = [];
  list.forEach((item, i) => {
    const itemAt = [...at, i];
    const unit = mappingAt(t, item, itemAt);
    if (!unit) return;
    checkKeys(t, unit, itemAt, UNIT_KEYS);
    if (unit.name === undefined) {
      t.problem(itemAt, 'a unit needs a name');
      return;
    }
    const name = stringAt(t, unit.name, [...itemAt, 'name']);
    if (name === undefined) return;
    checkFlags(t, unit, itemAt);
    if (unit.content === undefined && Object.hasOwn(ABSENT_UNITS, name)) {
      t.problem([...itemAt, 'name'], `not supported by Flotilla: ${name} (${ABSENT_UNITS[name]}); leave it out`);
      return;
    }
    if (unit.content === undefined && Object.hasOwn(PLUGIN_UNITS, name)) {
      pluginUnit(t, unit, name, itemAt);
      return;
    }
    const target = ['plugins', PLUGIN.cloudConfig, 'units', units.length];
    const entry: PlainObject = { name };
    for (const key of ['content', 'command', 'enable']) if (unit[key] !== undefined) entry[key] = unit[key];
    if (unit['drop-ins'] !== undefined) {
      const dropIns = dropInsOf(t, unit['drop-ins'], [...itemAt, 'drop-ins']);
      if (dropIns) entry.dropIns = dropIns;
      t.locateAt([...target, 'dropIns'], [...itemAt, 'drop-ins'], { nested: true, renamed: false });
    }
    entry.origin = t.origin(itemAt);
    t.locateAt(target, itemAt, { nested: true, renamed: false });
    units.push(entry);
  });
  if (units.length === 0) return;
  t.set(['plugins', PLUGIN.cloudConfig, 'units'], units, at, { renamed: false });
  for (const id of [PLUGIN.journal, PLUGIN.units, PLUGIN.cloudConfig]) t.enable(id, at);
}

/** `runtime` and `mask`: CoreOS's, accepted when they ask for nothing Flotilla lacks. */
function checkFlags(t: Translation, unit: PlainObject, at: ConfigPath): void {
  if (unit.runtime !== undefined) booleanAt(t, unit.runtime, [...at, 'runtime']);
  if (unit.mask === true) {
    t.problem([...at, 'mask'], 'not supported by Flotilla: masking units; leave the unit out, or stop it with command: stop');
  } else if (unit.mask !== undefined) {
    booleanAt(t, unit.mask, [...at, 'mask']);
  }
}

function pluginUnit(t: Translation, unit: PlainObject, name: string, at: ConfigPath): void {
  const { plugins, options } = PLUGIN_UNITS[name]!;
  if (unit['drop-ins'] !== undefined) {
    t.problem([...at, 'drop-ins'], `not supported by Flotilla for ${name}, which is the ${plugins[0]} plugin here: set its options under ${options}`);
  }
  if (unit.enable !== undefined) booleanAt(t, unit.enable, [...at, 'enable']);
  const command = unit.command;
  if (command !== undefined && !RUNNING_COMMANDS.includes(command as string)) {
    t.problem(
      [...at, 'command'],
      command === 'stop'
        ? `${name} is the ${plugins[0]} plugin here, which runs with the node; to not run it, leave ${name} out`
        : `must be one of ${RUNNING_COMMANDS.join(', ')} for ${name}, which is the ${plugins[0]} plugin here`,
    );
    return;
  }
  for (const id of plugins) t.enable(id, [...at, 'name']);
}

function dropInsOf(t: Translation, value: unknown, at: ConfigPath): PlainObject[] | undefined {
  const list = listAt(t, value, at);
  if (!list) return undefined;
  const dropIns: PlainObject[] = [];
  list.forEach((item, j) => {
    const dropIn = mappingAt(t, item, [...at, j]);
    if (!dropIn) return;
    checkKeys(t, dropIn, [...at, j], DROP_IN_KEYS);
    dropIns.push(Object.fromEntries(DROP_IN_KEYS.read.filter((key) => dropIn[key] !== undefined).map((key) => [key, dropIn[key]])));
  });
  return dropIns;
}
