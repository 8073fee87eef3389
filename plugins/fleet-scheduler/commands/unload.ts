import { BLOCK_FLAGS } from './fleet-command.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

export default class FleetUnload extends FleetUnitCommand {
  static override summary = 'Take units off their machines but keep them in the registry, as `fleetctl unload` does.';
  static override description =
    'Sets the desired state of each unit that is loaded or launched to inactive and waits until it reads inactive. ' +
    'Names not in the registry are skipped. Quoted globs match registry units.';
  static override examples = ['<%= config.bin %> fleet unload hello.service', "<%= config.bin %> fleet unload 'app*'"];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetUnload);
    await this.lowerDesiredStates('unload', flags, argv, (unit) => unit.currentState !== 'inactive');
  }
}
