import type { SpecifierContext, UnitDefaults } from '../unit-file/definition.js';
import { hostSpecifierContext } from '../unit-file/host-context.js';

const SECOND_US = 1_000_000;

/** systemd's built-in Default*= values (system.conf), which `verify` checks against. */
export const SYSTEMD_UNIT_DEFAULTS: UnitDefaults = Object.freeze({
  timeoutStartUs: 90 * SECOND_US,
  timeoutStopUs: 90 * SECOND_US,
  restartUs: 100_000,
  startLimitIntervalUs: 10 * SECOND_US,
  startLimitBurst: 5,
});

/** Specifiers as this machine's manager would expand them, for `verify`. */
export function localSpecifierContext(): SpecifierContext {
  return hostSpecifierContext();
}
