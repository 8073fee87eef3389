import type { ExecHandle } from '../../../core/index.js';
import type { ExecCommand, UnitDefinition } from '../unit-file/definition.js';

/** Which Exec*= setting a process runs for. */
export type ExecSetting = 'ExecCondition' | 'ExecStartPre' | 'ExecStart' | 'ExecStartPost' | 'ExecReload' | 'ExecStop' | 'ExecStopPost';

/** Starts one command of a unit as a process: environment, expansion, runtime choice, output to the journal. */
export interface Launcher {
  launch(unit: UnitDefinition, command: ExecCommand, extraEnv: Readonly<Record<string, string>>): Promise<ExecHandle>;
}

/** A command that could not be started (missing program, bad user, unreadable EnvironmentFile=, engine down). */
export class LaunchError extends Error {
  constructor(
    message: string,
    /** The exit status systemd reports for this kind of failure: 203/EXEC, 200/CHDIR, 217/USER … */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}
