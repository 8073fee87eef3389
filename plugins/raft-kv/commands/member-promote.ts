import { Args } from '@oclif/core';
import { MemberCommand } from './member-command.js';
import type { V2Member } from './v2-client.js';

export default class MemberPromote extends MemberCommand {
  static override summary = 'Make a learner a voting member (POST /v2/members/ID/promote, a Flotilla extension).';
  static override args = { id: Args.string({ description: "the learner's hex ID (see `member list`)", required: true }) };

  async run(): Promise<V2Member> {
    const { args, flags } = await this.parse(MemberPromote);
    const promoted = await this.v2(flags).promoteMember(args.id);
    if (!this.jsonEnabled()) this.log(`Promoted member ${args.id} in cluster`);
    return promoted;
  }
}
