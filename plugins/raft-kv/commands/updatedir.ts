import { Args, Flags } from '@oclif/core';
import { dirForm } from './forms.js';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvUpdatedir extends KvCommand {
  static override summary = "Change an existing directory's TTL, as `etcdctl updatedir` does.";
  static override args = { dir: Args.string({ description: 'the directory', required: true }) };
  static override flags = {
    ttl: Flags.integer({ description: 'seconds until the directory expires (0: never)', default: 0, min: 0 }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvUpdatedir);
    const answer = await this.v2(flags).keys('PUT', args.dir, { query: { dir: 'true', prevExist: 'true' }, form: dirForm(flags.ttl) });
    if (this.format !== 'simple') this.printResponse(answer);
    return this.raw(answer);
  }
}
