import { Args, Command, Flags } from '@oclif/core';
import { stringify } from 'yaml';
import { ConfigError } from '../../../core/index.js';
import { FlagSyntaxError, loadFromFlags, nodeConfigFlags, renderableConfig } from '../../node-config-flags.js';

export default class ConfigRender extends Command {
  static override summary = 'Print the effective config of a node: defaults, file, environment and flags merged.';
  static override args = { file: Args.string({ description: 'node config file (YAML); defaults only when absent' }) };
  static override flags = {
    ...nodeConfigFlags,
    format: Flags.string({ description: 'output format', options: ['yaml', 'json'], default: 'yaml' }),
  };
  static override examples = ['<%= config.bin %> config render config/default.yaml', '<%= config.bin %> config render --format json'];

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigRender);
    try {
      const effective = renderableConfig(await loadFromFlags(args.file, flags));
      this.log(flags.format === 'json' ? JSON.stringify(effective, null, 2) : stringify(effective).trimEnd());
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof FlagSyntaxError)) throw error;
      process.stderr.write(`${error.message}\n`);
      this.exit(1);
    }
  }
}
