import { spawn } from 'node:child_process';
import { Args, Flags } from '@oclif/core';
import { KvCommand } from './kv-command.js';
import { splitAtDashDash } from './split-command.js';
import type { KeysAnswer } from './v2-client.js';
import { watchChanges } from './watcher.js';

export default class KvExecWatch extends KvCommand {
  static override summary = 'Run a command on every change of a key, as `etcdctl exec-watch` does.';
  static override description =
    'The command after -- runs once per change, without a shell and with its arguments as given, with ' +
    'ETCD_WATCH_ACTION, ETCD_WATCH_KEY, ETCD_WATCH_VALUE and ETCD_WATCH_MODIFIED_INDEX in its environment. ' +
    'Like etcdctl, it does not wait for one run to end before the next change starts another. ' +
    'Changes of directories are skipped ("Ignored dir KEY change" on stderr). Stop it with Ctrl-C.';
  static override examples = ["<%= config.bin %> kv exec-watch --recursive /config -- sh -c 'echo $ETCD_WATCH_KEY=$ETCD_WATCH_VALUE'"];
  static override args = { key: Args.string({ description: 'the key or directory', required: true }) };
  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'watch everything under the directory KEY' }),
    'after-index': Flags.integer({ description: 'watch from the change after this index', default: 0, min: 0 }),
  };
  static override usage = 'kv exec-watch KEY [-r] [--after-index N] -- COMMAND [ARGS...]';

  async run(): Promise<void> {
    const { own, command } = splitAtDashDash(this.argv);
    const { args, flags } = await this.parse(KvExecWatch, own);
    if (command.length === 0) this.error('a command to run is required after --', { exit: 1 });
    const client = this.v2(flags);
    process.once('SIGINT', () => process.exit(0));
    for await (const answer of watchChanges(client, args.key, { recursive: flags.recursive ?? false, afterIndex: flags['after-index'] })) {
      if (answer.body.node.dir) {
        this.logToStderr(`Ignored dir ${answer.body.node.key} change`);
        continue;
      }
      const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ...watchEnvironment(answer) } });
      child.on('error', (error) => {
        this.logToStderr(error.message);
        process.exit(1);
      });
    }
  }
}

export function watchEnvironment(answer: KeysAnswer): Record<string, string> {
  return {
    ETCD_WATCH_ACTION: answer.body.action,
    ETCD_WATCH_MODIFIED_INDEX: String(answer.body.node.modifiedIndex ?? 0),
    ETCD_WATCH_KEY: answer.body.node.key ?? '',
    ETCD_WATCH_VALUE: answer.body.node.value ?? '',
  };
}
