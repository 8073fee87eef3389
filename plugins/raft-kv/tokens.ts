import { token } from '../../core/index.js';
import type { RaftKvConfig } from './config.js';
import type { RaftDriver } from './raft-driver.js';

export const RAFT_KV = Object.freeze({
  Config: token<RaftKvConfig>('raft-kv.Config'),
  Driver: token<RaftDriver>('raft-kv.Driver'),
});
