import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvRm extends KvCommand {
  static override summary = 'Remove a key or a directory, as `etcdctl rm` does; prints "PrevNode.Value: V".';
  static override examples = ['<%= config.bin %> kv rm /config/name', '<%= config.bin %> kv rm --recursive /config'];
  static override args = { key: Args.string({ description: 'the key', required: true }) };
  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'remove a directory and everything under it' }),
    dir: Flags.boolean({ description: 'remove an empty directory, or a key' }),
    'with-value': Flags.string({ description: 'remove only if the value is this' }),
    'with-index': Flags.integer({ description: 'remove only if the modifiedIndex is this', default: 0, min: 0 }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvRm);
    const query: Record<string, string> = {};
    if (flags['with-value']) query.prevValue = flags['with-value'];
    if (flags['with-index']) query.prevIndex = String(flags['with-index']);
    if (flags.dir) query.dir = 'true';
    if (flags.recursive) query.recursive = 'true';
    const answer = await this.v2(flags).keys('DELETE', args.key, { query });
    if (!answer.body.node.dir || this.format !== 'simple') this.printResponse(answer);
    return this.raw(answer);
  }
}
