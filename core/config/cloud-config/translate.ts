import type { PlainObject } from '../overlay.js';
import { checkKeys, listAt, mappingAt } from './document-keys.js';
import { translateEtcd } from './etcd.js';
import { translateFleet } from './fleet.js';
import { PLUGIN, PLUGIN_ORDER } from './plugin-ids.js';
import { refuseSubstitutions } from './substitutions.js';
import { Translation, type Locator } from './translation.js';
import { translateUnits } from './units.js';
import { translateWriteFiles } from './write-files.js';

const TOP_KEYS = {
  read: ['hostname', 'coreos', 'write_files', 'flotilla'],
  refused: {
    users: 'managing users; create them with the operating system',
    ssh_authorized_keys: 'SSH keys; Flotilla does not manage logins',
    manage_etc_hosts: 'managing /etc/hosts',
  },
};

const COREOS_KEYS = {
  read: ['etcd', 'etcd2', 'fleet', 'units'],
  refused: {
    update: 'operating system updates (update_engine)',
    locksmith: 'reboot coordination (locksmith)',
    flannel: 'overlay networking (flannel)',
    oem: 'OEM settings',
  },
};

/**
 * The node config a cloud-config document stands for, without its `flotilla:` section. A CoreOS
 * machine always ran journald and systemd, so the journal and the unit manager run by default,
 * as does the cloud-config plugin that applies write_files and coreos.units.
 */
export function translateDocument(doc: PlainObject, locate: Locator): Translation {
  const t = new Translation(locate);
  refuseSubstitutions(t, doc, []);
  for (const id of [PLUGIN.journal, PLUGIN.units, PLUGIN.cloudConfig]) t.enable(id);
  const keys = checkKeys(t, doc, [], TOP_KEYS);

  if (keys.includes('hostname')) t.set(['node', 'name'], doc.hostname, ['hostname']);
  const coreos = keys.includes('coreos') ? mappingAt(t, doc.coreos, ['coreos']) : undefined;
  if (coreos) {
    const sections = checkKeys(t, coreos, ['coreos'], COREOS_KEYS);
    if (sections.includes('etcd') && sections.includes('etcd2')) {
      t.problem(['coreos', 'etcd'], 'give coreos.etcd2 or coreos.etcd, not both: one raft-kv member runs in their place');
    }
    for (const version of ['etcd2', 'etcd'] as const) {
      const section = sections.includes(version) ? mappingAt(t, coreos[version], ['coreos', version]) : undefined;
      if (section) translateEtcd(t, section, ['coreos', version], version);
    }
    const fleet = sections.includes('fleet') ? mappingAt(t, coreos.fleet, ['coreos', 'fleet']) : undefined;
    if (fleet) translateFleet(t, fleet, ['coreos', 'fleet']);
    const units = sections.includes('units') ? listAt(t, coreos.units, ['coreos', 'units']) : undefined;
    if (units) translateUnits(t, units, ['coreos', 'units']);
  }
  const files = keys.includes('write_files') ? listAt(t, doc.write_files, ['write_files']) : undefined;
  if (files) translateWriteFiles(t, files, ['write_files']);

  t.data.plugins = inPluginOrder(t.data.plugins as PlainObject);
  return t;
}

function inPluginOrder(plugins: PlainObject): PlainObject {
  const rank = (id: string) => (PLUGIN_ORDER.includes(id) ? PLUGIN_ORDER.indexOf(id) : PLUGIN_ORDER.length);
  return Object.fromEntries(Object.entries(plugins).sort(([a], [b]) => rank(a) - rank(b)));
}
