import type { PluginStatus } from '../../core/index.js';
import { ClientCommand, printTable } from '../../core/cli/index.js';

export default class Plugins extends ClientCommand {
  static override summary = "List the node's plugins and their state.";
  static override examples = ['<%= config.bin %> plugins', '<%= config.bin %> plugins --json --endpoint 127.0.0.1:4001'];

  async run(): Promise<PluginStatus[]> {
    const { flags } = await this.parse(Plugins);
    const plugins = await this.client(flags).getJson<PluginStatus[]>('/v1/plugins');
    if (!this.jsonEnabled()) {
      if (plugins.length === 0) this.log('no plugins');
      else
        printTable(
          (line) => this.log(line),
          ['PLUGIN', 'STATE', 'VERSION', 'STARTED IN', 'DEPENDS ON', 'SOURCE'],
          plugins.map((p) => [
            p.id,
            p.error ? `${p.state}: ${p.error}` : p.state,
            p.version ?? '-',
            p.startMs === undefined ? '-' : `${p.startMs}ms`,
            p.dependsOn.join(',') || '-',
            p.source,
          ]),
        );
    }
    return plugins;
  }
}
