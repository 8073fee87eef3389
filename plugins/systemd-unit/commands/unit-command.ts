import { ClientCommand } from '../../../core/cli/index.js';
import { UnitApi, UnitApiError } from './unit-api.js';

/** A `flotilla unit` command: talks to /v1/units and ends with systemctl's exit codes. */
export abstract class UnitCommand extends ClientCommand {
  protected unitApi(flags: { endpoint: string; token?: string }): UnitApi {
    return new UnitApi(flags.endpoint, flags.token);
  }

  protected colourEnabled(): boolean {
    return process.stdout.isTTY === true && !process.env.NO_COLOR;
  }

  /** Returns `result`, or exits with `code` when it is not 0; under --json the result is printed first, as an exit skips oclif's printing. */
  protected finish<T>(result: T, code: number): T {
    if (code === 0) return result;
    if (this.jsonEnabled()) this.logJson(result);
    return this.exit(code);
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    if (error.code === 'EEXIT') throw error;
    if (error instanceof UnitApiError) this.error(error.message, { exit: 1 });
    return super.catch(error);
  }
}
