import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { discoveryConfigSchema, type DiscoveryConfig } from './config.js';
import { DiscoveryClient } from './discovery-client.js';
import { DiscoveryRoutes } from './routes.js';
import { RunningDiscovery } from './running-discovery.js';
import { TokenRegistry } from './token-registry.js';
import { DISCOVERY } from './tokens.js';

const EXPIRY_SWEEP_MS = 30_000;

export default definePlugin<DiscoveryConfig>({
  id: 'discovery',
  version: FLOTILLA_VERSION,
  description: "etcd's discovery protocol both ways: serve tokens from this node's store, and found a new cluster through a discovery URL.",
  // Serving tokens needs the store; finding founders must not (raft-kv asks for them while it starts).
  startsAfter: ['raft-kv'],
  config: discoveryConfigSchema,
  configToken: DISCOVERY.Config,
  register({ container, config, log }) {
    container.register(CORE.ClusterDiscovery, { useValue: new DiscoveryClient(log) });
    container.register(DISCOVERY.Running, { useValue: new RunningDiscovery() });
    if (config.serve) container.register(CORE.HttpRoute, { useClass: DiscoveryRoutes });
  },
  start({ container, config, log }) {
    if (!config.serve) return;
    if (!container.isRegistered(CORE.KvStore, true)) {
      log.warn('discovery: serve is on but this node has no key/value store; enable raft-kv to serve tokens');
      return;
    }
    const running = container.resolve(DISCOVERY.Running);
    const registry = new TokenRegistry(container.resolve(CORE.KvStore), config, log);
    running.registry = registry;
    const sweep = () => void registry.expireFormed().catch((err) => log.debug({ err }, 'discovery: token sweep failed'));
    const timer = setInterval(sweep, EXPIRY_SWEEP_MS);
    running.expiry = { close: () => clearInterval(timer) };
  },
  stop({ container }) {
    const running = container.resolve(DISCOVERY.Running);
    running.expiry?.close();
    running.registry = undefined;
  },
});
