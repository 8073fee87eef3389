import { Args, Flags } from '@oclif/core';
import { MemberCommand } from './member-command.js';
import type { V2Member } from './v2-client.js';

export default class MemberAdd extends MemberCommand {
  static override summary = 'Add a member to the cluster, as `etcdctl member add` does.';
  static override description =
    'Prints the new member\'s id and the ETCD_NAME, ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE lines etcdctl prints. ' +
    'With --learner the member joins as a non-voting learner that catches up first; `member promote` makes it a voter.';
  static override examples = ['<%= config.bin %> member add m4 http://10.0.0.4:2380', '<%= config.bin %> member add m4 http://10.0.0.4:2380 --learner'];
  static override args = {
    name: Args.string({ description: "the new member's name", required: true }),
    peerUrl: Args.string({ description: "the new member's peer URL", required: true }),
  };
  static override flags = { learner: Flags.boolean({ description: 'add it as a learner (a Flotilla extension of the v2 API)' }) };

  async run(): Promise<V2Member> {
    const { args, flags } = await this.parse(MemberAdd);
    const client = this.v2(flags);
    const added = await client.addMember(args.peerUrl, flags.learner);
    const members = await client.members();
    if (!this.jsonEnabled()) {
      const cluster = members.flatMap((m) => m.peerURLs.map((url) => `${m.id === added.id ? args.name : m.name}=${url}`));
      this.log(`Added member named ${args.name} with ID ${added.id} to cluster`);
      this.log('');
      this.log(`ETCD_NAME=${JSON.stringify(args.name)}`);
      this.log(`ETCD_INITIAL_CLUSTER=${JSON.stringify(cluster.join(','))}`);
      this.log('ETCD_INITIAL_CLUSTER_STATE="existing"');
    }
    return added;
  }
}
