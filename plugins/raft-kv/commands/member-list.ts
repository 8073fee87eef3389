import { MemberCommand } from './member-command.js';
import type { V2Member } from './v2-client.js';

export type ListedMember = V2Member & { isLeader: boolean };

export default class MemberList extends MemberCommand {
  static override summary = "List the cluster's members, as `etcdctl member list` does.";
  static override description = 'One line per member: "ID: name=NAME peerURLs=URLS clientURLs=URLS isLeader=true|false"; a member added but not started yet shows as "ID[unstarted]: peerURLs=URLS".';

  async run(): Promise<ListedMember[]> {
    const { flags } = await this.parse(MemberList);
    const client = this.v2(flags);
    const members = await client.members();
    const leader = await client.leader().catch((error: Error) => {
      this.logToStderr(`Failed to get leader:  ${error.message}`);
      return this.exit(1);
    });
    const listed = members.map((member) => ({ ...member, isLeader: member.id === leader.id }));
    if (!this.jsonEnabled()) {
      for (const m of listed) {
        if (m.name === '') this.log(`${m.id}[unstarted]: peerURLs=${m.peerURLs.join(',')}`);
        else this.log(`${m.id}: name=${m.name} peerURLs=${m.peerURLs.join(',')} clientURLs=${m.clientURLs.join(',')} isLeader=${m.isLeader}`);
      }
    }
    return listed;
  }
}
