import type { CommandSet } from '../../../core/index.js';
import FleetCat from './cat.js';
import FleetDestroy from './destroy.js';
import FleetExplain from './explain.js';
import FleetJournal from './journal.js';
import FleetListMachines from './list-machines.js';
import FleetListUnitFiles from './list-unit-files.js';
import FleetListUnits from './list-units.js';
import FleetLoad from './load.js';
import FleetRestart from './restart.js';
import FleetStart from './start.js';
import FleetStatus from './status.js';
import FleetStop from './stop.js';
import FleetSubmit from './submit.js';
import FleetUnload from './unload.js';

/** fleetctl's verbs as `flotilla fleet VERB`, talking to a node's fleet API. */
export const FLEET_SCHEDULER_COMMANDS: CommandSet = {
  'fleet:list-machines': FleetListMachines,
  'fleet:list-units': FleetListUnits,
  'fleet:list-unit-files': FleetListUnitFiles,
  'fleet:submit': FleetSubmit,
  'fleet:load': FleetLoad,
  'fleet:start': FleetStart,
  'fleet:stop': FleetStop,
  'fleet:unload': FleetUnload,
  'fleet:destroy': FleetDestroy,
  'fleet:restart': FleetRestart,
  'fleet:cat': FleetCat,
  'fleet:status': FleetStatus,
  'fleet:journal': FleetJournal,
  'fleet:explain': FleetExplain,
};
