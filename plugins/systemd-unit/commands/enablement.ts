import { Args, Flags } from '@oclif/core';
import type { UnitFileChange } from '../routes.js';
import { runJob } from './job.js';
import { UnitApiError, type UnitApi } from './unit-api.js';
import { UnitCommand } from './unit-command.js';
import { mangleUnitName } from './unit-names.js';

/** A change as systemctl reports it: `Created symlink A → B.` or `Removed "A".` */
export function describeChange(change: UnitFileChange): string {
  if (change.type === 'unlink') return `Removed "${change.path}".`;
  return change.target === undefined ? `Created symlink ${change.path}.` : `Created symlink ${change.path} → ${change.target}.`;
}

/** `unit enable|disable NAME... [--now]`: the links of each unit's [Install] section, then the start or stop --now asks for. */
abstract class UnitEnablementCommand extends UnitCommand {
  static override strict = false;
  static override args = { name: Args.string({ description: 'unit names (app is app.service)', required: true }) };
  static override flags = {
    now: Flags.boolean({ description: 'also start (enable) or stop (disable) the units' }),
  };

  protected abstract readonly verb: 'enable' | 'disable';

  async run(): Promise<UnitFileChange[]> {
    const { flags, argv } = await this.parse(UnitEnablementCommand);
    const api = this.unitApi(flags);
    const names = (argv as string[]).map(mangleUnitName);
    const changes: UnitFileChange[] = [];
    for (const name of names) {
      let made: UnitFileChange[];
      try {
        made = await this.change(api, name);
      } catch (error) {
        if (!(error instanceof UnitApiError)) throw error;
        this.logToStderr(`Failed to ${this.verb} unit: ${error.message}`);
        return this.finish(changes, 1);
      }
      changes.push(...made);
      if (!this.jsonEnabled()) for (const change of made) this.log(describeChange(change));
    }
    let code = 0;
    if (flags.now) {
      for (const name of names) {
        const outcome = await runJob(api, this.verb === 'enable' ? 'start' : 'stop', name, (line) => this.logToStderr(line));
        if (outcome.code !== 0) code = outcome.code;
      }
    }
    return this.finish(changes, code);
  }

  private change(api: UnitApi, name: string): Promise<UnitFileChange[]> {
    return this.verb === 'enable' ? api.enable(name) : api.disable(name);
  }
}

export class UnitEnable extends UnitEnablementCommand {
  static override summary = "Enable units: make the links their [Install] section asks for, as `systemctl enable` does.";
  static override description = 'Prints each link made. --now also starts the units.';
  static override examples = ['<%= config.bin %> unit enable app.service', '<%= config.bin %> unit enable --now app.service'];
  protected readonly verb = 'enable';
}

export class UnitDisable extends UnitEnablementCommand {
  static override summary = 'Disable units: remove the links enable made, as `systemctl disable` does.';
  static override description = 'Prints each link removed. --now also stops the units.';
  static override examples = ['<%= config.bin %> unit disable app.service', '<%= config.bin %> unit disable --now app.service'];
  protected readonly verb = 'disable';
}
