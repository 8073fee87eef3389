import { Command, Flags } from '@oclif/core';

export default class ClusterDown extends Command {
  static override summary = 'Stop the nodes `flotilla cluster up` started; their data stays.';
  static override examples = ['<%= config.bin %> cluster down'];
  static override flags = {
    dir: Flags.string({ description: 'the directory given to cluster up', default: 'data/cluster' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterDown);
    const { stopLocalCluster } = await import('../../local-cluster.js');
    try {
      const stopped = await stopLocalCluster(flags.dir);
      this.log(stopped.length === 0 ? 'no node of this cluster was running' : `stopped ${stopped.join(', ')}`);
    } catch (error) {
      this.error((error as Error).message, { exit: 1 });
    }
  }
}
