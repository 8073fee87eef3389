import { Args } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvRmdir extends KvCommand {
  static override summary = 'Remove an empty directory, as `etcdctl rmdir` does.';
  static override args = { dir: Args.string({ description: 'the directory', required: true }) };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvRmdir);
    const answer = await this.v2(flags).keys('DELETE', args.dir, { query: { dir: 'true' } });
    if (!answer.body.node.dir || this.format !== 'simple') this.printResponse(answer);
    return this.raw(answer);
  }
}
