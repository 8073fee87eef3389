import { Args, Flags } from '@oclif/core';
import { valueForm } from './forms.js';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvMk extends KvCommand {
  static override summary = 'Create a key that does not exist yet, as `etcdctl mk` does; prints the value.';
  static override description = 'With --in-order, KEY is a directory and the new key under it is named after the write\'s index, so keys sort in creation order (a queue).';
  static override examples = ['<%= config.bin %> kv mk /config/name web', '<%= config.bin %> kv mk --in-order /queue job1'];
  static override args = {
    key: Args.string({ description: 'the key (with --in-order, the directory)', required: true }),
    value: Args.string({ description: 'the value', required: true }),
  };
  static override flags = {
    ttl: Flags.integer({ description: 'seconds until the key expires (0: never)', default: 0, min: 0 }),
    'in-order': Flags.boolean({ description: 'create an in-order key under the directory KEY' }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvMk);
    const client = this.v2(flags);
    const form = valueForm(args.value, flags.ttl);
    const answer = flags['in-order']
      ? await client.keys('POST', args.key, { form })
      : await client.keys('PUT', args.key, { query: { prevExist: 'false' }, form });
    this.printResponse(answer);
    return this.raw(answer);
  }
}
