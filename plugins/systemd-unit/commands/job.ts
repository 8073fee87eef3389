import { Args } from '@oclif/core';
import type { UnitStatus } from '../../../core/index.js';
import { UnitApiError, type UnitApi, type UnitJob } from './unit-api.js';
import { UnitCommand } from './unit-command.js';
import { mangleUnitName } from './unit-names.js';

/** systemctl's exit code when a job names a unit it does not know. */
export const EXIT_NO_SUCH_UNIT = 5;

/**
 * Runs one job on a unit and says why it failed as systemctl does; returns the exit code it
 * earns (0, 1 for a failed job, 5 for an unknown unit) and the new status when it ran.
 */
export async function runJob(api: UnitApi, verb: UnitJob, name: string, report: (line: string) => void): Promise<{ code: number; status?: UnitStatus }> {
  try {
    return { code: 0, status: await api.job(verb, name) };
  } catch (error) {
    if (!(error instanceof UnitApiError)) throw error;
    if (error.status === 409) {
      report(error.message);
      report(`See "flotilla unit status ${name}" and "flotilla journal -u ${name}" for details.`);
      return { code: 1 };
    }
    report(`Failed to ${verb} ${name}: ${error.message}`);
    return { code: error.status === 404 ? EXIT_NO_SUCH_UNIT : 1 };
  }
}

/** `unit start|stop|restart|reload NAME...`: the job on each unit in turn; the exit code is the last failure's. */
abstract class UnitJobCommand extends UnitCommand {
  static override strict = false;
  static override args = { name: Args.string({ description: 'unit names (app is app.service)', required: true }) };

  protected abstract readonly verb: UnitJob;

  async run(): Promise<UnitStatus[]> {
    const { flags, argv } = await this.parse(UnitJobCommand);
    const api = this.unitApi(flags);
    const statuses: UnitStatus[] = [];
    let code = 0;
    for (const name of (argv as string[]).map(mangleUnitName)) {
      const outcome = await runJob(api, this.verb, name, (line) => this.logToStderr(line));
      if (outcome.status) statuses.push(outcome.status);
      if (outcome.code !== 0) code = outcome.code;
    }
    return this.finish(statuses, code);
  }
}

export class UnitStart extends UnitJobCommand {
  static override summary = 'Start units, as `systemctl start` does.';
  static override description = 'Waits for each start job to finish. Exits 1 when a job fails, 5 when a unit is not found.';
  static override examples = ['<%= config.bin %> unit start app.service'];
  protected readonly verb = 'start';
}

export class UnitStop extends UnitJobCommand {
  static override summary = 'Stop units, as `systemctl stop` does.';
  static override description = 'Waits for each stop job to finish. Exits 1 when a job fails, 5 when a unit is not found.';
  static override examples = ['<%= config.bin %> unit stop app.service'];
  protected readonly verb = 'stop';
}

export class UnitRestart extends UnitJobCommand {
  static override summary = 'Restart units, or start them when they are not running, as `systemctl restart` does.';
  static override description = 'Waits for each restart job to finish. Exits 1 when a job fails, 5 when a unit is not found.';
  static override examples = ['<%= config.bin %> unit restart app.service'];
  protected readonly verb = 'restart';
}

export class UnitReload extends UnitJobCommand {
  static override summary = 'Ask units to reload their configuration (ExecReload=), as `systemctl reload` does.';
  static override description = 'Waits for each reload job to finish. Exits 1 when a job fails, 5 when a unit is not found.';
  static override examples = ['<%= config.bin %> unit reload app.service'];
  protected readonly verb = 'reload';
}
