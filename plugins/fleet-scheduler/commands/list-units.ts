import { DEFAULT_UNIT_STATE_FIELDS, fieldNames, parseFields, UNIT_STATE_COLUMNS } from './columns.js';
import type { FleetUnitState } from './fleet-api.js';
import { FleetCommand, MachineDirectory } from './fleet-command.js';
import { listFlags, listTable } from './list-flags.js';

export default class FleetListUnits extends FleetCommand {
  static override summary = 'List the state of the units on their machines, as `fleetctl list-units` does.';
  static override description =
    'One row per unit and machine that publishes a state for it (GET /fleet/v1/state). MACHINE is ' +
    '<short id>.../<ip>; HASH is 7 characters unless --full.';
  static override examples = ['<%= config.bin %> fleet list-units', '<%= config.bin %> fleet list-units --no-legend --fields=unit,load,active,hash --full'];
  static override enableJsonFlag = true;
  static override flags = listFlags(DEFAULT_UNIT_STATE_FIELDS, fieldNames(UNIT_STATE_COLUMNS), { shortFull: true });

  async run(): Promise<FleetUnitState[]> {
    const { flags } = await this.parse(FleetListUnits);
    const parsed = parseFields(flags.fields, UNIT_STATE_COLUMNS);
    if ('error' in parsed) return this.fail(parsed.error);
    const api = this.fleetApi(flags);
    const states = await this.orFail('Error retrieving list of units from repository', () => api.states());
    if (this.jsonEnabled()) return states;
    const needsMachines = parsed.fields.includes('machine') && states.some((s) => s.machineID);
    const machine = needsMachines ? await new MachineDirectory(api).lookup() : undefined;
    process.stdout.write(listTable(states, parsed.fields, UNIT_STATE_COLUMNS, flags, machine));
    return states;
  }
}
