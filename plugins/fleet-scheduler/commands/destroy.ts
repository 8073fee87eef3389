import { BLOCK_FLAGS } from './fleet-command.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

export default class FleetDestroy extends FleetUnitCommand {
  static override summary = 'Remove units from the cluster, stopping them first, as `fleetctl destroy` does.';
  static override description =
    'Deletes each named unit from the registry (DELETE /fleet/v1/units/NAME); its machine stops and removes it. ' +
    'Names not in the registry are skipped. The registry forgets a unit before DELETE answers, so there is nothing ' +
    'to wait for: --no-block and --block-attempts are accepted for fleetctl compatibility.';
  static override examples = ['<%= config.bin %> fleet destroy hello.service', "<%= config.bin %> fleet destroy 'app@{1..3}'"];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetDestroy);
    const named = await this.namedRegistryUnits(flags, argv);
    if (!named) return;
    const { api, units } = named;
    let failed = false;
    for (const unit of units) {
      try {
        if (await api.destroyUnit(unit.name)) this.out(`Destroyed ${unit.name}`);
      } catch (error) {
        this.err(`Error destroying units: ${(error as Error).message}`);
        failed = true;
      }
    }
    if (failed) this.exit(1);
  }
}
