import { Args, Command } from '@oclif/core';
import { nodeConfigFlags } from '../../node-config-flags.js';

export default class ConfigValidate extends Command {
  static override summary = 'Check a node config file as `flotilla up` would read it.';
  static override description =
    'Layers the file over the defaults, the FLOTILLA_* environment and any flags given, loads the plugins it names and validates every key. Each problem is printed with its file, line and key path; the exit code is 1 when there is any.';
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'node config file (YAML) or #cloud-config document', required: true }) };
  static override flags = { ...nodeConfigFlags };
  static override examples = ['<%= config.bin %> config validate config/default.yaml'];

  async run(): Promise<{ valid: boolean; file: string; format?: string; node?: string; plugins?: string[]; problems?: string[] }> {
    const { args, flags } = await this.parse(ConfigValidate);
    const { loadFromFlags } = await import('../../node-config-load.js');
    const outcome = await loadFromFlags(args.file, flags);
    if (!outcome.ok) {
      if (this.jsonEnabled()) {
        process.exitCode = 1;
        return { valid: false, file: args.file, problems: outcome.problems };
      }
      for (const problem of outcome.problems) process.stderr.write(`${problem}\n`);
      this.exit(1);
    }
    const { config, plugins, format = 'node-config' } = outcome.loaded;
    const ids = plugins.map(({ plugin }) => plugin.id);
    const what = format === 'cloud-config' ? 'valid cloud-config' : 'valid';
    this.log(`${args.file}: ${what} (node ${config.node.name}; plugins: ${ids.join(', ') || 'none'})`);
    return { valid: true, file: args.file, format, node: config.node.name, plugins: ids };
  }
}
