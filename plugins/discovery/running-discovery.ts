import type { TokenRegistry } from './token-registry.js';

/** The token registry while the plugin serves tokens (it needs the node's store, which starts first). */
export class RunningDiscovery {
  registry?: TokenRegistry;
  expiry?: { close(): void };
}
