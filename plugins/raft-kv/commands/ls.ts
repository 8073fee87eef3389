import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import { responseLines } from './output.js';
import type { V2Node, V2Response } from './v2-client.js';

export default class KvLs extends KvCommand {
  static override summary = 'List a directory, as `etcdctl ls` does.';
  static override examples = ['<%= config.bin %> kv ls /services', '<%= config.bin %> kv ls --recursive --sort -p /'];
  static override args = { key: Args.string({ description: 'the directory to list', default: '/' }) };
  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'list the whole subtree' }),
    p: Flags.boolean({ char: 'p', description: 'append a slash (/) to directories' }),
    sort: Flags.boolean({ description: 'sort the listing by key' }),
    quorum: Flags.boolean({ description: 'read through the leader, even during a partition' }),
  };

  async run(): Promise<V2Response> {
    const { args, flags } = await this.parse(KvLs);
    const answer = await this.v2(flags).keys('GET', args.key, {
      query: { quorum: String(flags.quorum ?? false), recursive: String(flags.recursive ?? false), sorted: String(flags.sort ?? false) },
    });
    if (!this.jsonEnabled()) {
      if (this.format !== 'simple') for (const line of responseLines(answer, this.format)) this.log(line);
      else {
        if (!answer.body.node.dir) this.log(answer.body.node.key ?? '');
        for (const node of answer.body.node.nodes ?? []) this.printTree(node, flags.p);
      }
    }
    return this.raw(answer);
  }

  private printTree(node: V2Node, slash: boolean): void {
    this.log(node.dir && slash ? `${node.key}/` : (node.key ?? ''));
    for (const child of node.nodes ?? []) this.printTree(child, slash);
  }
}
