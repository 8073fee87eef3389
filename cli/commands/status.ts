import { ClientCommand } from '../../core/cli/index.js';

interface Health {
  health: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
  pluginsNotRunning?: string[];
}
interface NodeInfo {
  name: string;
  machineId: string;
  metadata: Record<string, string[]>;
  version: string;
}

export default class Status extends ClientCommand {
  static override summary = "Show a node's identity and health; exits 1 when the node is unhealthy.";
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --endpoint http://127.0.0.1:4001 --json'];

  async run(): Promise<NodeInfo & { endpoint: string; healthy: boolean; health: Health }> {
    const { flags } = await this.parse(Status);
    const client = this.client(flags);
    const node = await client.getJson<NodeInfo>('/v1/node');
    const response = await fetch(new URL('/health', client.endpoint));
    const health = (await response.json()) as Health;
    const healthy = health.health === 'true';
    this.log(`node       ${node.name} (${node.machineId})`);
    this.log(`endpoint   ${client.endpoint}`);
    this.log(`version    ${node.version}`);
    const metadata = Object.entries(node.metadata).map(([key, values]) => values.map((v) => `${key}=${v}`).join(','));
    this.log(`metadata   ${metadata.join(',') || '-'}`);
    this.log(`health     ${healthy ? 'healthy' : 'unhealthy'}`);
    for (const [name, report] of Object.entries(health.checks)) {
      this.log(`  ${report.ok ? 'ok  ' : 'FAIL'} ${name}${report.detail ? `: ${report.detail}` : ''}`);
    }
    for (const plugin of health.pluginsNotRunning ?? []) this.log(`  FAIL plugin ${plugin}`);
    if (!healthy) process.exitCode = 1;
    return { ...node, endpoint: client.endpoint, healthy, health };
  }
}
