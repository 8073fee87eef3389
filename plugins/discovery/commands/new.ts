import { Flags } from '@oclif/core';
import { ClientCommand } from '../../../core/cli/index.js';

export default class DiscoveryNew extends ClientCommand {
  static override summary = 'Make a discovery token on a node and print its URL, as discovery.etcd.io/new does.';
  static override description =
    'Each of the `size` founding members then starts with `flotilla up --discovery URL` (or real etcd members with --discovery URL); the first `size` to register form the cluster.';
  static override examples = ['<%= config.bin %> discovery new --size 3', '<%= config.bin %> discovery new --size 5 --endpoint http://127.0.0.1:21379'];
  static override flags = {
    size: Flags.integer({ description: 'how many founding members the cluster has', default: 3, min: 1 }),
  };

  async run(): Promise<{ url: string }> {
    const { flags } = await this.parse(DiscoveryNew);
    const response = await this.client(flags).request('POST', `/new?size=${flags.size}`);
    const url = (await response.text()).trim();
    this.log(url);
    return { url };
  }
}
