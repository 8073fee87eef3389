import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookupGroup } from '../../../core/index.js';
import type { SpecifierContext } from './definition.js';

function firstLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]!.trim();
  } catch {
    return '';
  }
}

/**
 * What specifiers expand to on this machine for the user running the manager: the system
 * manager's directories for root, the XDG ones for anyone else, as systemd's two managers use.
 * `machineId` is the node's own when given, else /etc/machine-id.
 */
export function hostSpecifierContext(machineId?: string): SpecifierContext {
  const user = os.userInfo();
  const home = user.homedir;
  const system = user.uid === 0;
  const env = process.env;
  const stateDir = system ? '/var/lib' : (env.XDG_STATE_HOME ?? path.join(home, '.local/state'));
  return {
    hostname: os.hostname(),
    machineId: machineId ?? firstLine('/etc/machine-id'),
    bootId: firstLine('/proc/sys/kernel/random/boot_id').replaceAll('-', ''),
    user: { name: user.username, uid: user.uid, group: lookupGroup(String(user.gid))?.name ?? String(user.gid), gid: user.gid, home, shell: user.shell ?? '/bin/sh' },
    runtimeDir: system ? '/run' : (env.XDG_RUNTIME_DIR ?? `/run/user/${user.uid}`),
    stateDir,
    cacheDir: system ? '/var/cache' : (env.XDG_CACHE_HOME ?? path.join(home, '.cache')),
    logsDir: system ? '/var/log' : path.join(stateDir, 'log'),
    configDir: system ? '/etc' : (env.XDG_CONFIG_HOME ?? path.join(home, '.config')),
  };
}
