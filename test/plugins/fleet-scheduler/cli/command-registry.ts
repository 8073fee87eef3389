import { FLEET_SCHEDULER_COMMANDS } from '../../../../plugins/fleet-scheduler/commands/index.js';

/** The fleet commands alone, as oclif's explicit command target for these suites. */
export const COMMANDS = FLEET_SCHEDULER_COMMANDS;
