import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import type { V2Response } from './v2-client.js';

export default class KvGet extends KvCommand {
  static override summary = "Print a key's value, as `etcdctl get` does.";
  static override description = 'A directory is refused with "KEY: is a directory" on stderr and exit code 1, as etcdctl does; use `kv ls` for it.';
  static override examples = ['<%= config.bin %> kv get /config/name', '<%= config.bin %> kv get -o extended /config/name'];
  static override args = { key: Args.string({ description: 'the key', required: true }) };
  static override flags = {
    sort: Flags.boolean({ description: 'sort the answer by key' }),
    quorum: Flags.boolean({ description: 'read through the leader, even during a partition' }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvGet);
    const answer = await this.v2(flags).keys('GET', args.key, {
      query: { quorum: String(flags.quorum ?? false), recursive: 'false', sorted: String(flags.sort ?? false) },
    });
    if (answer.body.node.dir && !this.jsonEnabled()) {
      this.logToStderr(`${answer.body.node.key ?? ''}: is a directory`);
      this.exit(1);
    }
    this.printResponse(answer);
    return this.raw(answer);
  }
}
