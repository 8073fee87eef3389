import { isGlobalUnit } from './columns.js';
import { BLOCK_FLAGS } from './fleet-command.js';
import { blockAttemptsOf } from './wait.js';
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
    if (this.noUnitsGiven(argv)) return;
    const api = this.fleetApi(flags);
    const units = await this.registryUnits(api, argv as string[]);
    if (units.length === 0) return this.err('Units not found in registry');
    const unloading: string[] = [];
    for (const unit of units) {
      const global = isGlobalUnit(unit);
      if (!global && unit.currentState === 'inactive') continue;
      await api.setDesiredState(unit.name, 'inactive');
      if (global) this.out(`Triggered global unit ${unit.name} unload`);
      else unloading.push(unit.name);
    }
    const ok = await this.lifecycle(api).waitForStates(unloading, 'unload', 'inactive', blockAttemptsOf(flags));
    if (ok) return this.err(`Successfully unloaded units [${unloading.join(' ')}].`);
    this.fail(`Failed to unload units [${unloading.join(' ')}]. exit == 1.`);
  }
}
