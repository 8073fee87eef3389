import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import { valueForm } from './forms.js';
import type { V2Response } from './v2-client.js';

export default class KvSet extends KvCommand {
  static override summary = "Set a key's value, as `etcdctl set` does; prints the value.";
  static override examples = ['<%= config.bin %> kv set /config/name web', '<%= config.bin %> kv set --swap-with-value old /config/name new'];
  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the value', required: true }),
  };
  static override flags = {
    ttl: Flags.integer({ description: 'seconds until the key expires (0: never)', default: 0, min: 0 }),
    'swap-with-value': Flags.string({ description: 'set only if the current value is this' }),
    'swap-with-index': Flags.integer({ description: 'set only if the current modifiedIndex is this', default: 0, min: 0 }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvSet);
    const query: Record<string, string> = {};
    if (flags['swap-with-value']) query.prevValue = flags['swap-with-value'];
    if (flags['swap-with-index']) query.prevIndex = String(flags['swap-with-index']);
    const answer = await this.v2(flags).keys('PUT', args.key, { query, form: valueForm(args.value, flags.ttl) });
    this.printResponse(answer);
    return this.raw(answer);
  }
}
