import type { CommandSet } from '../../../core/index.js';
import UnitCat from './cat.js';
import UnitDaemonReload from './daemon-reload.js';
import { UnitDisable, UnitEnable } from './enablement.js';
import { UnitReload, UnitRestart, UnitStart, UnitStop } from './job.js';
import UnitList from './list.js';
import UnitLoad from './load.js';
import UnitResetFailed from './reset-failed.js';
import UnitStatusCommand from './status.js';
import UnitVerify from './verify.js';

export const SYSTEMD_UNIT_COMMANDS: CommandSet = {
  'unit:list': UnitList,
  'unit:status': UnitStatusCommand,
  'unit:start': UnitStart,
  'unit:stop': UnitStop,
  'unit:restart': UnitRestart,
  'unit:reload': UnitReload,
  'unit:enable': UnitEnable,
  'unit:disable': UnitDisable,
  'unit:cat': UnitCat,
  'unit:daemon-reload': UnitDaemonReload,
  'unit:reset-failed': UnitResetFailed,
  'unit:load': UnitLoad,
  'unit:verify': UnitVerify,
};
