import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import { watchChanges } from './watcher.js';

export default class KvWatch extends KvCommand {
  static override summary = 'Wait for a change of a key and print its value, as `etcdctl watch` does.';
  static override description =
    'Prints the new value of the first change and exits; with --recursive each change is preceded by a "[action] key" line. ' +
    '--forever keeps watching, each time from the last modifiedIndex+1, so no change is missed. ' +
    'Changes of directories are skipped. With --json each change is printed as one line of JSON, the body etcd answered.';
  static override examples = ['<%= config.bin %> kv watch /config/name', '<%= config.bin %> kv watch --forever --recursive /config'];
  static override args = { key: Args.string({ description: 'the key or directory', required: true }) };
  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'watch everything under the directory KEY' }),
    forever: Flags.boolean({ description: 'keep watching; stop with Ctrl-C' }),
    'after-index': Flags.integer({ description: 'watch from the change after this index', default: 0, min: 0 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(KvWatch);
    const client = this.v2(flags);
    const interrupted = () => process.exit(0);
    process.once('SIGINT', interrupted);
    try {
      for await (const answer of watchChanges(client, args.key, { recursive: flags.recursive ?? false, afterIndex: flags['after-index'] })) {
        if (answer.body.node.dir) continue;
        if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(answer.body)}\n`);
        else {
          if (flags.recursive) this.log(`[${answer.body.action}] ${answer.body.node.key}`);
          this.printResponse(answer);
        }
        if (!flags.forever) return;
      }
    } finally {
      process.off('SIGINT', interrupted);
    }
  }
}
