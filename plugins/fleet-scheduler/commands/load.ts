import { BLOCK_FLAGS, REPLACE_FLAG } from './fleet-command.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

export default class FleetLoad extends FleetUnitCommand {
  static override summary = 'Schedule units onto machines without starting them, as `fleetctl load` does.';
  static override description =
    'Submits the units first when needed (see submit), sets their desired state to loaded and waits until each is ' +
    'loaded on a machine: "Unit NAME loaded on MACHINE.../IP". Global units are never waited for.';
  static override examples = ['<%= config.bin %> fleet load hello.service', '<%= config.bin %> fleet load --no-block web@2'];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS, ...REPLACE_FLAG };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetLoad);
    await this.raiseDesiredStates('load', flags, argv);
  }
}
