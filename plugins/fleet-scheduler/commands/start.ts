import { BLOCK_FLAGS, REPLACE_FLAG } from './fleet-command.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

export default class FleetStart extends FleetUnitCommand {
  static override summary = 'Start units in the cluster, submitting and loading them first when needed, as `fleetctl start` does.';
  static override description =
    'Sets the desired state of each unit to launched and waits until it is launched on a machine and that machine ' +
    'reports it active: "Unit NAME launched on MACHINE.../IP". Global units are never waited for. A quoted glob ' +
    "('app*') matches unit files in its directory and units already in the registry.";
  static override examples = [
    '<%= config.bin %> fleet start hello.service',
    "<%= config.bin %> fleet start 'app@{1..3}.service'",
    '<%= config.bin %> fleet start --no-block web@1',
    '<%= config.bin %> fleet start --block-attempts=5 --replace hello',
  ];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS, ...REPLACE_FLAG };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetStart);
    await this.raiseDesiredStates('start', flags, argv);
  }
}
