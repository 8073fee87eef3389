import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';
import { REPLACE_FLAG } from './fleet-command.js';

export default class FleetSubmit extends FleetUnitCommand {
  static override summary = 'Upload units to the cluster without starting them, as `fleetctl submit` does.';
  static override description =
    'Reads each unit file from disk (app is ./app.service). An instance (app@1.service) without a file of its own ' +
    'takes the options of its template, from the registry (app@.service) or else from ./app@.service. A unit already ' +
    'in the registry is left alone, with a warning when the local file differs; --replace uploads the local version ' +
    'while the unit is inactive. Prints "Unit NAME inactive" once the registry shows each new unit.';
  static override examples = ['<%= config.bin %> fleet submit units/hello.service', "<%= config.bin %> fleet submit 'app@{1..3}.service'", '<%= config.bin %> fleet submit --replace hello'];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...REPLACE_FLAG };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetSubmit);
    if (this.noUnitsGiven(argv)) return;
    const api = this.fleetApi(flags);
    const units = await this.unitArgs(api, argv as string[]);
    await this.step('Error creating units', () => this.lifecycle(api).createUnits(units, 'submit', flags.replace, 0));
  }
}
