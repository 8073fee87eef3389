import { token } from '../../core/index.js';
import type { SystemdUnitConfig } from './config.js';
import type { RunningSupervisor } from './index.js';
import type { UnitControl } from './unit-control.js';

export const SYSTEMD_UNIT = Object.freeze({
  Config: token<SystemdUnitConfig>('systemd-unit.Config'),
  /** The unit manager with every systemctl verb; CORE.UnitManager resolves to the same object. */
  Control: token<UnitControl>('systemd-unit.Control'),
  /** Holds the supervisor while the plugin runs. */
  Running: token<RunningSupervisor>('systemd-unit.Running'),
});
