import { isGlobalUnit } from './columns.js';
import { BLOCK_FLAGS } from './fleet-command.js';
import { blockAttemptsOf } from './wait.js';
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
    if (this.noUnitsGiven(argv)) return;
    const api = this.fleetApi(flags);
    const units = await this.registryUnits(api, argv as string[]);
    if (units.length === 0) return this.err('Units not found in registry');
    const stopping: string[] = [];
    for (const unit of units) {
      const global = isGlobalUnit(unit);
      if (!global && unit.currentState === 'inactive') return this.fail(`Unable to stop unit ${unit.name} in state inactive`);
      if (!global && unit.currentState === 'loaded') continue;
      await api.setDesiredState(unit.name, 'loaded');
      if (global) this.out(`Triggered global unit ${unit.name} stop`);
      else stopping.push(unit.name);
    }
    const ok = await this.lifecycle(api).waitForStates(stopping, 'stop', 'loaded', blockAttemptsOf(flags));
    if (ok) return this.err(`Successfully stopped units [${stopping.join(' ')}].`);
    this.fail(`Failed to stop units [${stopping.join(' ')}]. exit == 1.`);
  }
}
