import { token } from '../../core/index.js';
import type { DiscoveryConfig } from './config.js';
import type { RunningDiscovery } from './running-discovery.js';

export const DISCOVERY = Object.freeze({
  Config: token<DiscoveryConfig>('discovery.Config'),
  Running: token<RunningDiscovery>('discovery.Running'),
});
