import { Command } from '@oclif/core';
import { builtinConfigSchema } from '../../config-schema.js';

export default class ConfigSchema extends Command {
  static override summary = 'Print the JSON Schema of node config files (core and built-in plugins).';
  static override examples = ['<%= config.bin %> config schema > node-config.schema.json'];

  async run(): Promise<void> {
    await this.parse(ConfigSchema);
    this.log(JSON.stringify(await builtinConfigSchema(), null, 2));
  }
}
