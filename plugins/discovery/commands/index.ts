import type { CommandSet } from '../../../core/index.js';
import DiscoveryNew from './new.js';

export const DISCOVERY_COMMANDS: CommandSet = {
  'discovery:new': DiscoveryNew,
};
