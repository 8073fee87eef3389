import { Args, Command } from '@oclif/core';
import { ConfigError, formatIssue } from '../../../core/index.js';
import { FlagSyntaxError, loadFromFlags, nodeConfigFlags } from '../../node-config-flags.js';

export default class ConfigValidate extends Command {
  static override summary = 'Check a node config file as `flotilla up` would read it.';
  static override description =
    'Layers the file over the defaults, the FLOTILLA_* environment and any flags given, loads the plugins it names and validates every key. Each problem is printed with its file, line and key path; the exit code is 1 when there is any.';
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'node config file (YAML)', required: true }) };
  static override flags = { ...nodeConfigFlags };
  static override examples = ['<%= config.bin %> config validate config/default.yaml'];

  async run(): Promise<{ valid: boolean; file: string; node?: string; plugins?: string[]; problems?: string[] }> {
    const { args, flags } = await this.parse(ConfigValidate);
    try {
      const { config, plugins } = await loadFromFlags(args.file, flags);
      const ids = plugins.map(({ plugin }) => plugin.id);
      this.log(`${args.file}: valid (node ${config.node.name}; plugins: ${ids.join(', ') || 'none'})`);
      return { valid: true, file: args.file, node: config.node.name, plugins: ids };
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof FlagSyntaxError)) throw error;
      const problems = error instanceof ConfigError ? error.issues.map(formatIssue) : [error.message];
      if (this.jsonEnabled()) {
        process.exitCode = 1;
        return { valid: false, file: args.file, problems };
      }
      for (const problem of problems) process.stderr.write(`${problem}\n`);
      this.exit(1);
    }
  }
}
