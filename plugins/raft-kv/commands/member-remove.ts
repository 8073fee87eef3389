import { Args } from '@oclif/core';
import { MemberCommand } from './member-command.js';

export default class MemberRemove extends MemberCommand {
  static override summary = 'Remove a member from the cluster by its ID, as `etcdctl member remove` does.';
  static override args = { id: Args.string({ description: "the member's hex ID (see `member list`)", required: true }) };

  async run(): Promise<{ removed: string }> {
    const { args, flags } = await this.parse(MemberRemove);
    const client = this.v2(flags);
    const members = await client.members().catch((error: Error) => {
      this.logToStderr(`Error while verifying ID against known members: ${error.message}`);
      return this.exit(1);
    });
    for (const m of members.filter((member) => member.name === args.id)) {
      this.logToStderr(`Found a member named ${m.name}; if this is correct, please use its ID, eg:\n\t${this.config.bin} member remove ${m.id}\n`);
    }
    if (!members.some((member) => member.id === args.id)) {
      this.logToStderr(`Couldn't find a member in the cluster with an ID of ${args.id}.`);
      this.exit(1);
    }
    await client.removeMember(args.id).catch((error: Error) => {
      this.logToStderr(`Received an error trying to remove member ${args.id}: ${error.message}`);
      return this.exit(1);
    });
    if (!this.jsonEnabled()) this.log(`Removed member ${args.id} from cluster`);
    return { removed: args.id };
  }
}
