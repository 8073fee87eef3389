import { UnitCommand } from './unit-command.js';

export default class UnitDaemonReload extends UnitCommand {
  static override summary = 'Reread every unit file, as `systemctl daemon-reload` does.';
  static override description = 'Running units keep running; a changed definition applies from their next start.';
  static override examples = ['<%= config.bin %> unit daemon-reload'];

  async run(): Promise<void> {
    const { flags } = await this.parse(UnitDaemonReload);
    await this.unitApi(flags).daemonReload();
  }
}
