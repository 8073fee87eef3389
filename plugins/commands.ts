import type { CommandSet } from '../core/index.js';
import { DISCOVERY_COMMANDS } from './discovery/commands/index.js';
import { FLEET_SCHEDULER_COMMANDS } from './fleet-scheduler/commands/index.js';
import { JOURNAL_COMMANDS } from './journal/commands/index.js';
import { RAFT_KV_COMMANDS } from './raft-kv/commands/index.js';
import { SYSTEMD_UNIT_COMMANDS } from './systemd-unit/commands/index.js';

/** The CLI commands of the built-in plugins, one set per plugin (from its `commands/index.ts`). */
export const PLUGIN_COMMANDS: readonly CommandSet[] = [RAFT_KV_COMMANDS, JOURNAL_COMMANDS, SYSTEMD_UNIT_COMMANDS, FLEET_SCHEDULER_COMMANDS, DISCOVERY_COMMANDS];
