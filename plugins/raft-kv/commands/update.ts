import { Args, Flags } from '@oclif/core';
import { valueForm } from './forms.js';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvUpdate extends KvCommand {
  static override summary = 'Change the value of an existing key, as `etcdctl update` does; prints the value.';
  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the value', required: true }),
  };
  static override flags = {
    ttl: Flags.integer({ description: 'seconds until the key expires (0: never)', default: 0, min: 0 }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvUpdate);
    const answer = await this.v2(flags).keys('PUT', args.key, { query: { prevExist: 'true' }, form: valueForm(args.value, flags.ttl) });
    this.printResponse(answer);
    return this.raw(answer);
  }
}
