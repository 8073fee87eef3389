import { Command } from '@oclif/core';

export default class ConfigSchema extends Command {
  static override summary = 'Print the JSON Schema of node config files (core and built-in plugins).';
  static override examples = ['<%= config.bin %> config schema > node-config.schema.json'];

  async run(): Promise<void> {
    await this.parse(ConfigSchema);
    const { builtinConfigSchema } = await import('../../config-schema.js');
    this.log(JSON.stringify(await builtinConfigSchema(), null, 2));
  }
}
