import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpecifierContext, UnitDefaults } from '../unit-file/definition.js';

const SECOND_US = 1_000_000;

/** systemd's built-in Default*= values (system.conf), which `verify` checks against. */
export const SYSTEMD_UNIT_DEFAULTS: UnitDefaults = Object.freeze({
  timeoutStartUs: 90 * SECOND_US,
  timeoutStopUs: 90 * SECOND_US,
  restartUs: 100_000,
  startLimitIntervalUs: 10 * SECOND_US,
  startLimitBurst: 5,
});

function firstLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]!.trim();
  } catch {
    return '';
  }
}

function groupName(gid: number): string {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid));
    if (line) return line.split(':')[0]!;
  } catch {
    // no group database: the number stands in for the name
  }
  return String(gid);
}

/**
 * What specifiers expand to on this machine for the user running the command: the system
 * manager's directories for root, the XDG ones for anyone else, as systemd's two managers use.
 */
export function localSpecifierContext(): SpecifierContext {
  const user = os.userInfo();
  const home = user.homedir;
  const system = user.uid === 0;
  const env = process.env;
  const stateDir = system ? '/var/lib' : (env.XDG_STATE_HOME ?? path.join(home, '.local/state'));
  return {
    hostname: os.hostname(),
    machineId: firstLine('/etc/machine-id'),
    bootId: firstLine('/proc/sys/kernel/random/boot_id').replaceAll('-', ''),
    user: { name: user.username, uid: user.uid, group: groupName(user.gid), gid: user.gid, home, shell: user.shell ?? '/bin/sh' },
    runtimeDir: system ? '/run' : (env.XDG_RUNTIME_DIR ?? `/run/user/${user.uid}`),
    stateDir,
    cacheDir: system ? '/var/cache' : (env.XDG_CACHE_HOME ?? path.join(home, '.cache')),
    logsDir: system ? '/var/log' : path.join(stateDir, 'log'),
    configDir: system ? '/etc' : (env.XDG_CONFIG_HOME ?? path.join(home, '.config')),
  };
}
