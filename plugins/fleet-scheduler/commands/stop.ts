import { BLOCK_FLAGS } from './fleet-command.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

export default class FleetStop extends FleetUnitCommand {
  static override summary = 'Stop units but keep them on their machines, as `fleetctl stop` does.';
  static override description =
    'Sets the desired state of each launched unit to loaded and waits until it is loaded again. Names not in the ' +
    'registry are skipped; a unit that is not loaded anywhere is an error. Quoted globs match registry units.';
  static override examples = ['<%= config.bin %> fleet stop hello.service', "<%= config.bin %> fleet stop 'app*'", "<%= config.bin %> fleet stop --no-block 'app@{1..3}'"];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetStop);
    await this.lowerDesiredStates('stop', flags, argv, (unit) => {
      if (unit.currentState === 'inactive') return this.fail(`Unable to stop unit ${unit.name} in state inactive`);
      return unit.currentState !== 'loaded';
    });
  }
}
