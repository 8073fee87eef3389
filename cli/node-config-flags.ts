import { Flags } from '@oclif/core';
import type { OverlayEntry } from '../core/index.js';

/** Flags that override a node's config file, shared by `up` and the `config` commands. */
export const nodeConfigFlags = {
  set: Flags.string({
    description: 'override one config key, e.g. --set api.port=4001 (repeatable)',
    multiple: true,
    helpGroup: 'CONFIG',
  }),
  name: Flags.string({ description: 'node name (node.name)', helpGroup: 'CONFIG' }),
  'data-dir': Flags.string({ description: 'data directory (dataDir)', helpGroup: 'CONFIG' }),
  'api-address': Flags.string({ description: 'API listen address (api.address)', helpGroup: 'CONFIG' }),
  'api-port': Flags.integer({ description: 'API listen port (api.port)', helpGroup: 'CONFIG', min: 0, max: 65535 }),
  discovery: Flags.string({
    description: 'form a new cluster through this discovery URL (plugins.raft-kv.discovery; enables the discovery plugin)',
    helpGroup: 'CONFIG',
  }),
  'log-level': Flags.string({
    description: 'log level (log.level)',
    options: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    helpGroup: 'CONFIG',
  }),
};

export type NodeConfigFlagValues = {
  set?: string[];
  name?: string;
  'data-dir'?: string;
  'api-address'?: string;
  'api-port'?: number;
  'log-level'?: string;
  discovery?: string;
};

const DEDICATED: ReadonlyArray<[keyof NodeConfigFlagValues, string[]]> = [
  ['name', ['node', 'name']],
  ['data-dir', ['dataDir']],
  ['api-address', ['api', 'address']],
  ['api-port', ['api', 'port']],
  ['log-level', ['log', 'level']],
];

export class FlagSyntaxError extends Error {}

export function flagOverlay(flags: NodeConfigFlagValues): OverlayEntry[] {
  const entries: OverlayEntry[] = [];
  for (const assignment of flags.set ?? []) {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(assignment);
    if (!match) throw new FlagSyntaxError(`--set ${assignment}: expected KEY.PATH=VALUE`);
    entries.push({ path: match[1]!.split('.'), value: match[2]!, setBy: `--set ${match[1]}` });
  }
  for (const [flag, path] of DEDICATED) {
    const value = flags[flag];
    if (value !== undefined) entries.push({ path, value, setBy: `--${flag}` });
  }
  if (flags.discovery !== undefined) {
    entries.push({ path: ['plugins', 'discovery'], value: {}, setBy: '--discovery' });
    entries.push({ path: ['plugins', 'raft-kv', 'discovery'], value: flags.discovery, setBy: '--discovery' });
  }
  return entries;
}
