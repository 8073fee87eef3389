import { Args, Command, Flags } from '@oclif/core';
import { stringify } from 'yaml';
import { nodeConfigFlags } from '../../node-config-flags.js';

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
    const { loadFromFlags, renderableConfig } = await import('../../node-config-load.js');
    const outcome = await loadFromFlags(args.file, flags);
    if (!outcome.ok) {
      process.stderr.write(`${outcome.message}\n`);
      this.exit(1);
    }
    const effective = renderableConfig(outcome.loaded);
    this.log(flags.format === 'json' ? JSON.stringify(effective, null, 2) : stringify(effective).trimEnd());
  }
}
