import { Args, Command, Flags } from '@oclif/core';
import { stringify } from 'yaml';
import { nodeConfigFlags } from '../../node-config-flags.js';

export default class ConfigRender extends Command {
  static override summary = 'Print the effective config of a node: defaults, file, environment and flags merged.';
  static override description =
    'The file may be a node config or a #cloud-config document. For a cloud-config document the YAML output ends with comment lines listing the files and units the node writes and acts on at boot.';
  static override args = { file: Args.string({ description: 'node config file (YAML) or #cloud-config document; defaults only when absent' }) };
  static override flags = {
    ...nodeConfigFlags,
    format: Flags.string({ description: 'output format', options: ['yaml', 'json'], default: 'yaml' }),
  };
  static override examples = ['<%= config.bin %> config render config/default.yaml', '<%= config.bin %> config render --format json'];

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigRender);
    const [{ loadFromFlags, renderableConfig }, { cloudConfigSummary }] = await Promise.all([
      import('../../node-config-load.js'),
      import('../../cloud-config-summary.js'),
    ]);
    const outcome = await loadFromFlags(args.file, flags);
    if (!outcome.ok) {
      process.stderr.write(`${outcome.message}\n`);
      this.exit(1);
    }
    const effective = renderableConfig(outcome.loaded);
    if (flags.format === 'json') {
      this.log(JSON.stringify(effective, null, 2));
      return;
    }
    this.log(stringify(effective, { lineWidth: 0 }).trimEnd());
    if (outcome.loaded.format === 'cloud-config') this.log(cloudConfigSummary(outcome.loaded).join('\n'));
  }
}
