import { BLOCK_FLAGS, REPLACE_FLAG } from './fleet-command.js';
import { isGlobalUnit } from './columns.js';
import { blockAttemptsOf } from './wait.js';
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
    if (this.noUnitsGiven(argv)) return;
    const api = this.fleetApi(flags);
    const lifecycle = this.lifecycle(api);
    const units = await this.unitArgs(api, argv as string[]);
    await this.step('Error creating units', () => lifecycle.createUnits(units, 'load', flags.replace, flags['block-attempts']));
    const triggered = await this.step('Error loading units', () => lifecycle.setDesiredStates(units.map((u) => u.name), 'loaded'));
    const waiting: string[] = [];
    for (const unit of triggered) {
      if (isGlobalUnit(unit)) this.out(`Triggered global unit ${unit.name} load`);
      else waiting.push(unit.name);
    }
    if (!(await lifecycle.waitForStates(waiting, 'load', 'loaded', blockAttemptsOf(flags)))) this.exit(1);
  }
}
