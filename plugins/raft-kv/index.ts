import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { raftKvConfigSchema, type RaftKvConfig } from './config.js';
import { memberIdentity, type FounderLookup } from './member-identity.js';
import { PeerTransport } from './peer-transport.js';
import { RaftDriver } from './raft-driver.js';
import { RaftKvStore } from './raft-kv-store.js';
import { RaftHealth, RaftKvRoutes } from './routes.js';
import { RAFT_KV } from './tokens.js';

/** The etcd API level served, for clients that check /version as they would against etcd. */
const ETCD_VERSION = { name: 'raft-kv', fields: () => ({ etcdserver: '3.4.0', etcdcluster: '3.4.0' }) };

export default definePlugin<RaftKvConfig>({
  id: 'raft-kv',
  version: FLOTILLA_VERSION,
  description: "A Raft-replicated key/value store that speaks etcd v2: the node's KvStore.",
  config: raftKvConfigSchema,
  configToken: RAFT_KV.Config,
  // Waiting at a discovery URL for the other founders takes as long as they take to start.
  startTimeout: (config) => (config.discovery === undefined ? undefined : config.discoveryTimeout + 30_000),
  register({ container, config, node, dataDir, log, signal }) {
    const lookup: FounderLookup = (url, self) => {
      if (!container.isRegistered(CORE.ClusterDiscovery, true)) {
        throw new Error('raft-kv: plugins.raft-kv.discovery is set, but no plugin discovers clusters: enable the discovery plugin');
      }
      const waiting = AbortSignal.any([signal, AbortSignal.timeout(config.discoveryTimeout)]);
      return container.resolve(CORE.ClusterDiscovery).discover(url, { name: self.name, id: self.id, peerUrls: self.peerUrls }, waiting);
    };
    const identity = memberIdentity(config, node.name, container.resolve(CORE.ApiEndpoint), lookup);
    const transport = new PeerTransport({
      memberId: identity.memberId,
      clusterId: identity.clusterId,
      clusterToken: config.clusterToken,
      address: config.peerAddress,
      port: config.peerPort,
      log,
    });
    container.register(RAFT_KV.Driver, { useValue: new RaftDriver(config, identity, dataDir, transport, log) });
    container.register(CORE.KvStore, { useClass: RaftKvStore });
    container.register(CORE.HttpRoute, { useClass: RaftKvRoutes });
    container.register(CORE.HealthCheck, { useClass: RaftHealth });
    container.register(CORE.VersionInfo, { useValue: ETCD_VERSION });
  },
  async start({ container, log }) {
    const driver = container.resolve(RAFT_KV.Driver);
    await driver.start();
    log.info({ member: driver.identity.memberId, cluster: driver.identity.clusterId, name: driver.identity.name }, 'raft member started');
  },
  async stop({ container }) {
    await container.resolve(RAFT_KV.Driver).stop();
  },
});
