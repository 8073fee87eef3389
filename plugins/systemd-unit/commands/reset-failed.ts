import { Args } from '@oclif/core';
import { UnitCommand } from './unit-command.js';
import { mangleUnitName } from './unit-names.js';

export default class UnitResetFailed extends UnitCommand {
  static override summary = 'Forget that units failed, as `systemctl reset-failed` does.';
  static override description = 'Without names, every failed unit is reset.';
  static override examples = ['<%= config.bin %> unit reset-failed', '<%= config.bin %> unit reset-failed app.service'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'unit names (app is app.service); all units when none', required: false }) };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(UnitResetFailed);
    const api = this.unitApi(flags);
    const names = (argv as string[]).map(mangleUnitName);
    if (names.length === 0) return api.resetFailed();
    for (const name of names) await api.resetFailed(name);
  }
}
