import { DEFAULT_MACHINE_FIELDS, fieldNames, MACHINE_COLUMNS, parseFields } from './columns.js';
import type { FleetMachine } from './fleet-api.js';
import { FleetCommand } from './fleet-command.js';
import { listFlags, listTable } from './list-flags.js';

export default class FleetListMachines extends FleetCommand {
  static override summary = 'List the machines in the cluster, as `fleetctl list-machines` does.';
  static override description =
    'Reads GET /fleet/v1/machines (every page). MACHINE is the short id (8 characters and "...") unless --full, ' +
    'METADATA is k=v pairs sorted by key, "-" when there are none.';
  static override examples = ['<%= config.bin %> fleet list-machines', '<%= config.bin %> fleet list-machines --full --fields=machine,metadata'];
  static override enableJsonFlag = true;
  static override flags = listFlags(DEFAULT_MACHINE_FIELDS, fieldNames(MACHINE_COLUMNS), { shortFull: true });

  async run(): Promise<FleetMachine[]> {
    const { flags } = await this.parse(FleetListMachines);
    const parsed = parseFields(flags.fields, MACHINE_COLUMNS);
    if ('error' in parsed) return this.fail(parsed.error);
    let machines: FleetMachine[];
    try {
      machines = await this.fleetApi(flags).machines();
    } catch (error) {
      this.err(`Error retrieving list of active machines from fleet API (${(error as Error).message})`);
      this.err('Possible issues:');
      this.err('  the cluster store is unhealthy and/or lost quorum');
      this.err("  connection cannot be established to the node's API");
      return this.exit(1);
    }
    if (this.jsonEnabled()) return machines;
    process.stdout.write(listTable(machines, parsed.fields, MACHINE_COLUMNS, flags));
    return machines;
  }
}
