import { Args, Flags } from '@oclif/core';
import { formatUnitStatus } from '../status-format.js';
import type { UnitStatusDetail } from '../unit-control.js';
import { UnitApiError } from './unit-api.js';
import { UnitCommand } from './unit-command.js';
import { mangleUnitName } from './unit-names.js';

/** systemctl status's exit codes (the LSB ones). */
const EXIT_NOT_RUNNING = 3;
const EXIT_UNKNOWN = 4;

export default class UnitStatusCommand extends UnitCommand {
  static override summary = "Show units' state, processes and last journal lines, as `systemctl status` does.";
  static override description =
    'Exits 0 when every unit is active, 3 when one is not, 4 when one is not found. The journal lines come from the ' +
    "node's journal (GET /v1/journal) when it keeps one.";
  static override examples = ['<%= config.bin %> unit status app.service', '<%= config.bin %> unit status app db -n 30'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'unit names (app is app.service)', required: true }) };
  static override flags = {
    lines: Flags.integer({ char: 'n', description: 'how many journal lines to show', default: 10, min: 0 }),
  };

  async run(): Promise<UnitStatusDetail[]> {
    const { flags, argv } = await this.parse(UnitStatusCommand);
    const api = this.unitApi(flags);
    const details: UnitStatusDetail[] = [];
    let code = 0;
    for (const name of (argv as string[]).map(mangleUnitName)) {
      let detail: UnitStatusDetail;
      try {
        detail = await api.detail(name);
      } catch (error) {
        if (!(error instanceof UnitApiError) || error.status !== 404) throw error;
        this.logToStderr(`Unit ${name} could not be found.`);
        code = EXIT_UNKNOWN;
        continue;
      }
      details.push(detail);
      if (detail.activeState !== 'active' && detail.activeState !== 'reloading' && code === 0) code = EXIT_NOT_RUNNING;
      if (this.jsonEnabled()) continue;
      const journal = flags.lines > 0 ? await api.journalLines(name, flags.lines) : [];
      if (details.length > 1) this.log('');
      this.log(formatUnitStatus(detail, journal, { color: this.colourEnabled(), now: new Date() }));
    }
    return this.finish(details, code);
  }
}
