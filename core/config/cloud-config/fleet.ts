import type { ConfigPath } from '../config-error.js';
import { isPlainObject, type PlainObject } from '../overlay.js';
import { booleanAt, checkKeys, numberAt, stringAt } from './document-keys.js';
import { FLEET_CONSTRAINTS, PLUGIN } from './plugin-ids.js';
import type { Translation } from './translation.js';

type Reader = (t: Translation, value: unknown, at: ConfigPath) => void;

const fleet = (key: string): ConfigPath => ['plugins', PLUGIN.fleet, key];

const TLS = "TLS to etcd; fleet keeps its state in this node's raft-kv store";

const REFUSED: Readonly<Record<string, string>> = {
  'etcd-servers': "fleet keeps its state in this node's raft-kv store",
  'etcd-cafile': TLS,
  'etcd-certfile': TLS,
  'etcd-keyfile': TLS,
  'etcd-username': "fleet keeps its state in this node's raft-kv store",
  'etcd-password': "fleet keeps its state in this node's raft-kv store",
  verbosity: 'set flotilla.log.level',
  'authorized-keys-file': "fleetctl's SSH tunnel; Flotilla's API is HTTP with a bearer token",
};

/** fleet's options (`coreos.fleet`), by their flag names. */
const READERS: Readonly<Record<string, Reader>> = {
  metadata: (t, value, at) => {
    const metadata = machineMetadata(t, value, at);
    if (metadata) t.set(['node', 'metadata'], metadata, at);
  },
  'public-ip': (t, value, at) => t.set(fleet('publicIp'), value, at),
  'agent-ttl': (t, value, at) => {
    if (typeof value === 'number') t.problem(at, 'must be a duration with its unit, as fleet reads it (such as 30s)');
    else t.set(fleet('machineTtl'), value, at);
  },
  'engine-reconcile-interval': (t, value, at) => {
    const seconds = numberAt(t, value, at);
    if (seconds !== undefined) t.set(fleet('reconcileInterval'), `${seconds}s`, at);
  },
  'etcd-key-prefix': (t, value, at) => {
    const prefix = stringAt(t, value, at);
    if (prefix !== undefined) t.set(fleet('keyPrefix'), prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix, at);
  },
  'disable-engine': (t, value, at) => {
    const disabled = booleanAt(t, value, at);
    if (disabled !== undefined) t.set(fleet('engine'), !disabled, at);
  },
  'token-limit': (t, value, at) => {
    const limit = numberAt(t, value, at);
    if (limit !== undefined) t.set(fleet('pageSize'), limit, at);
  },
};

/** `coreos.fleet`: the fleet-scheduler plugin and every placement rule fleet had. */
export function translateFleet(t: Translation, section: PlainObject, at: ConfigPath): void {
  t.enable(PLUGIN.fleet, at);
  for (const id of FLEET_CONSTRAINTS) t.enable(id, at);
  for (const key of checkKeys(t, section, at, { read: Object.keys(READERS), refused: REFUSED, foreign: true })) {
    READERS[key]!(t, section[key], [...at, key]);
  }
}

/** fleet's "region=us-west,disk=ssd" (a key given twice has two values), or a mapping as node.metadata takes it. */
function machineMetadata(t: Translation, value: unknown, at: ConfigPath): PlainObject | undefined {
  if (isPlainObject(value)) return value;
  const text = stringAt(t, value, at);
  if (text === undefined) return undefined;
  const metadata: Record<string, string[]> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      t.problem(at, `"${pair}" is not key=value (metadata looks like region=us-west,disk=ssd)`);
      return undefined;
    }
    (metadata[pair.slice(0, eq).trim()] ??= []).push(pair.slice(eq + 1).trim());
  }
  return Object.fromEntries(Object.entries(metadata).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}
