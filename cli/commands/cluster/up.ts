import { Command, Flags } from '@oclif/core';

export default class ClusterUp extends Command {
  static override summary = 'Start a cluster of N nodes on this machine, founded through a discovery token.';
  static override description =
    'Each node is a `flotilla up` process with its own data dir and loopback ports, running the key/value store, units, the journal and the fleet scheduler with every placement rule. Run again on the same --dir to start the same cluster from its data dirs. Stop it with `flotilla cluster down`.';
  static override examples = [
    '<%= config.bin %> cluster up --nodes 3',
    '<%= config.bin %> cluster up --nodes 3 --metadata region=us-east-1,us-west-1',
  ];
  static override flags = {
    nodes: Flags.integer({ description: 'how many nodes', default: 3, min: 1, max: 9 }),
    dir: Flags.string({ description: "where the nodes' configs, data and logs go", default: 'data/cluster' }),
    metadata: Flags.string({ description: 'KEY=V1[,V2…]: node i gets V(i mod n) (repeatable)', multiple: true }),
    'base-port': Flags.integer({ description: 'API port of the first node; node i uses base+2i (API) and base+2i+1 (peers); free ports when absent', min: 1024, max: 65000 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterUp);
    // Loaded here, not at the top: every command's module is read whenever the CLI starts.
    const { metadataProblem, startLocalCluster } = await import('../../local-cluster.js');
    const metadata = flags.metadata ?? [];
    const problem = metadata.map(metadataProblem).find(Boolean);
    if (problem) this.error(problem, { exit: 2 });
    let record;
    try {
      record = await startLocalCluster({ dir: flags.dir, nodes: flags.nodes, metadata, basePort: flags['base-port'], log: (line) => process.stderr.write(`${line}\n`) });
    } catch (error) {
      this.error((error as Error).message, { exit: 1 });
    }
    for (const node of record.nodes) this.log(`${node.name}\t${node.apiUrl}\tpid ${node.pid}\tlog ${node.logFile}`);
    this.log(`\nexport FLOTILLA_ENDPOINT=${record.nodes[0]!.apiUrl}   # then: flotilla fleet list-machines`);
  }
}
