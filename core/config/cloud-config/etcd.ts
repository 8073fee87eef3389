import type { ConfigPath } from '../config-error.js';
import type { PlainObject } from '../overlay.js';
import { checkKeys, numberAt, stringAt, type KeyTable } from './document-keys.js';
import { PLUGIN } from './plugin-ids.js';
import type { Translation } from './translation.js';
import { firstUrl, hostPortUrl, listenAddress } from './url-list.js';

type Reader = (t: Translation, value: unknown, at: ConfigPath, section: PlainObject) => void;

const kv = (key: string): ConfigPath => ['plugins', PLUGIN.kv, key];

/** etcd's default heartbeat, which its election timeout is counted against. */
const ETCD_HEARTBEAT_MS = 100;

const TLS = "TLS; Flotilla's API and its peers speak plain HTTP (the API takes a bearer token, peers the cluster token)";

const REFUSED: Readonly<Record<string, string>> = {
  'data-dir': "raft-kv keeps its files under the node's data directory (flotilla.dataDir)",
  'wal-dir': "raft-kv keeps its files under the node's data directory (flotilla.dataDir)",
  proxy: 'proxy mode; every Flotilla node that runs raft-kv is a member',
  'discovery-srv': 'DNS discovery; use discovery or initial-cluster',
  'discovery-fallback': 'a discovery URL that cannot be used stops the node',
  'discovery-proxy': 'discovery through a proxy',
  'cert-file': TLS,
  'key-file': TLS,
  'ca-file': TLS,
  'trusted-ca-file': TLS,
  'client-cert-auth': TLS,
  'peer-cert-file': TLS,
  'peer-key-file': TLS,
  'peer-ca-file': TLS,
  'peer-trusted-ca-file': TLS,
  'peer-client-cert-auth': TLS,
};

const COMMON: Readonly<Record<string, Reader>> = {
  name: (t, value, at) => t.set(kv('name'), value, at),
  discovery: (t, value, at) => {
    t.set(kv('discovery'), value, at);
    t.enable(PLUGIN.discovery, at);
  },
  'snapshot-count': (t, value, at) => {
    const count = numberAt(t, value, at);
    if (count !== undefined) t.set(kv('snapshotCount'), count, at);
  },
};

/** etcd 2's options (`coreos.etcd2`), by their flag names. */
const ETCD2: Readonly<Record<string, Reader>> = {
  ...COMMON,
  'initial-cluster': (t, value, at) => {
    const members = initialCluster(t, value, at);
    if (members) t.set(kv('initialCluster'), members, at);
  },
  'initial-cluster-state': (t, value, at) => t.set(kv('initialClusterState'), value, at),
  'initial-cluster-token': (t, value, at) => t.set(kv('clusterToken'), value, at),
  'initial-advertise-peer-urls': (t, value, at) => {
    const url = firstUrl(t, value, at);
    if (url !== undefined) t.set(kv('advertisePeerUrl'), url, at);
  },
  'advertise-client-urls': (t, value, at) => {
    const url = firstUrl(t, value, at);
    if (url !== undefined) t.set(kv('advertiseClientUrl'), url, at);
  },
  'listen-peer-urls': (t, value, at) => setPeerListener(t, listenAddress(t, value, at), at),
  'listen-client-urls': (t, value, at) => setApiListener(t, listenAddress(t, value, at), at),
  'heartbeat-interval': (t, value, at) => {
    const ms = numberAt(t, value, at);
    if (ms !== undefined) t.set(kv('tick'), ms, at);
  },
  'election-timeout': (t, value, at, section) => {
    const ms = numberAt(t, value, at);
    const heartbeat = section['heartbeat-interval'] === undefined ? ETCD_HEARTBEAT_MS : Number(section['heartbeat-interval']);
    if (ms === undefined || !(heartbeat > 0)) return;
    const ticks = Math.round(ms / heartbeat);
    if (ticks < 2) t.problem(at, 'must be at least twice heartbeat-interval');
    else t.set(kv('electionTicks'), ticks, at);
  },
};

/** etcd 0.4's options (`coreos.etcd`), which wrote addresses as host:port. */
const ETCD: Readonly<Record<string, Reader>> = {
  ...COMMON,
  addr: (t, value, at) => {
    const url = hostPortUrl(t, value, at);
    if (url !== undefined) t.set(kv('advertiseClientUrl'), url, at);
  },
  'peer-addr': (t, value, at) => {
    const url = hostPortUrl(t, value, at);
    if (url !== undefined) t.set(kv('advertisePeerUrl'), url, at);
  },
  'bind-addr': (t, value, at) => {
    const url = hostPortUrl(t, value, at);
    if (url !== undefined) setApiListener(t, listenAddress(t, url, at), at);
  },
  'peer-bind-addr': (t, value, at) => {
    const url = hostPortUrl(t, value, at);
    if (url !== undefined) setPeerListener(t, listenAddress(t, url, at), at);
  },
};

/** `coreos.etcd2` or `coreos.etcd`: the settings of raft-kv, which runs in etcd's place. */
export function translateEtcd(t: Translation, section: PlainObject, at: ConfigPath, version: 'etcd' | 'etcd2'): void {
  const readers = version === 'etcd2' ? ETCD2 : ETCD;
  const table: KeyTable = { read: Object.keys(readers), refused: REFUSED, foreign: true };
  t.enable(PLUGIN.kv, at);
  for (const key of checkKeys(t, section, at, table)) readers[key]!(t, section[key], [...at, key], section);
}

/** "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380" as raft-kv's name-to-URL mapping. */
function initialCluster(t: Translation, value: unknown, at: ConfigPath): Record<string, string> | undefined {
  const text = stringAt(t, value, at);
  if (text === undefined) return undefined;
  const members: Record<string, string> = {};
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      t.problem(at, `"${entry}" is not name=URL (initial-cluster looks like m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380)`);
      return undefined;
    }
    const name = entry.slice(0, eq);
    if (Object.hasOwn(members, name)) {
      t.problem(at, `${name} is listed twice; a Flotilla member has one peer URL`);
      return undefined;
    }
    members[name] = entry.slice(eq + 1);
  }
  return members;
}

function setApiListener(t: Translation, listener: { address: string; port: number } | undefined, at: ConfigPath): void {
  if (!listener) return;
  t.set(['api', 'address'], listener.address, at);
  t.set(['api', 'port'], listener.port, at);
}

function setPeerListener(t: Translation, listener: { address: string; port: number } | undefined, at: ConfigPath): void {
  if (!listener) return;
  t.set(kv('peerAddress'), listener.address, at);
  t.set(kv('peerPort'), listener.port, at);
}
