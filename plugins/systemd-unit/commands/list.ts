import { Flags } from '@oclif/core';
import { printTable } from '../../../core/cli/index.js';
import type { UnitStatus } from '../../../core/index.js';
import { UnitCommand } from './unit-command.js';

/** Load states that mark a unit as broken in the listing, as failed ones are. */
const BROKEN_LOAD_STATES = new Set(['not-found', 'bad-setting', 'error']);

export default class UnitList extends UnitCommand {
  static override summary = 'List the units the node has loaded, as `systemctl list-units` does.';
  static override description =
    'Shows units that are active, changing state or failed; --all adds inactive ones. --state keeps units whose LOAD, ACTIVE or ' +
    'SUB state is one of the given values (comma-separated or repeated), inactive ones included.';
  static override examples = ['<%= config.bin %> unit list', '<%= config.bin %> unit list --all', '<%= config.bin %> unit list --state=failed'];
  static override flags = {
    all: Flags.boolean({ char: 'a', description: 'include inactive units' }),
    state: Flags.string({ description: 'only units in these LOAD, ACTIVE or SUB states', multiple: true, delimiter: ',' }),
    failed: Flags.boolean({ description: 'only failed units (--state=failed)' }),
    'no-legend': Flags.boolean({ description: 'print neither the column headers nor the summary' }),
  };

  async run(): Promise<UnitStatus[]> {
    const { flags } = await this.parse(UnitList);
    const states = new Set([...(flags.state ?? []), ...(flags.failed ? ['failed'] : [])]);
    const units = (await this.unitApi(flags).list())
      .filter((unit) => (states.size > 0 ? [unit.loadState, unit.activeState, unit.subState].some((state) => states.has(state)) : flags.all || unit.activeState !== 'inactive'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (this.jsonEnabled()) return units;

    const rows = units.map((unit) => [
      `${unit.activeState === 'failed' || BROKEN_LOAD_STATES.has(unit.loadState) ? '●' : ' '} ${unit.name}`,
      unit.loadState,
      unit.activeState,
      unit.subState,
      unit.description ?? '',
    ]);
    let header = !flags['no-legend'];
    printTable(
      (line) => {
        if (header) this.log(line);
        header = true;
      },
      ['  UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'],
      rows,
    );
    if (flags['no-legend']) return units;
    this.log('');
    const listed = `${units.length} loaded ${units.length === 1 ? 'unit' : 'units'} listed.`;
    this.log(flags.all || states.size > 0 ? listed : `${listed} Pass --all to see loaded but inactive units, too.`);
    return units;
  }
}
