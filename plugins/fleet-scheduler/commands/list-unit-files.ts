import { DEFAULT_UNIT_FILE_FIELDS, fieldNames, isGlobalUnit, parseFields, UNIT_FILE_COLUMNS } from './columns.js';
import type { FleetUnit } from './fleet-api.js';
import { FleetCommand, MachineDirectory } from './fleet-command.js';
import { listFlags, listTable } from './list-flags.js';

export default class FleetListUnitFiles extends FleetCommand {
  static override summary = 'List the units in the registry, scheduled or not, as `fleetctl list-unit-files` does.';
  static override description =
    'Reads GET /fleet/v1/units. HASH is the first 7 hex digits of the SHA-1 of the unit file (computed here from its ' +
    'options), DSTATE the desired state, STATE the current one ("-" for global units), TARGET the machine it is ' +
    'scheduled on, "global", or "-".';
  static override examples = ['<%= config.bin %> fleet list-unit-files', '<%= config.bin %> fleet list-unit-files --fields=unit,desc,global,dstate'];
  static override enableJsonFlag = true;
  static override flags = listFlags(DEFAULT_UNIT_FILE_FIELDS, fieldNames(UNIT_FILE_COLUMNS));

  async run(): Promise<FleetUnit[]> {
    const { flags } = await this.parse(FleetListUnitFiles);
    const parsed = parseFields(flags.fields, UNIT_FILE_COLUMNS);
    if ('error' in parsed) return this.fail(parsed.error);
    if (parsed.fields.includes('tmachine')) this.err('WARNING: The "tmachine" field is deprecated. Use "target" instead');
    const api = this.fleetApi(flags);
    const units = await this.orFail('Error retrieving list of units from repository', () => api.units());
    if (this.jsonEnabled()) return units;
    const needsMachines = parsed.fields.some((f) => f === 'target' || f === 'tmachine') && units.some((u) => u.machineID && !isGlobalUnit(u));
    const machine = needsMachines ? await new MachineDirectory(api).lookup() : undefined;
    process.stdout.write(listTable(units, parsed.fields, UNIT_FILE_COLUMNS, flags, machine));
    return units;
  }
}
