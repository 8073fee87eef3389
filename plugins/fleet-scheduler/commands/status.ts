import { NodeClient, NodeClientError } from '../../../core/cli/index.js';
import type { FleetUnit } from './fleet-api.js';
import { namedUnits, remoteProblem, unitMachineEndpoint } from './remote-unit.js';
import { formatRemoteStatus, type RemoteUnitStatus } from './status-text.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

/** systemctl status -l shows this many journal lines. */
const JOURNAL_LINES = 10;

export default class FleetStatus extends FleetUnitCommand {
  static override summary = "Show units' status on their machines, as `fleetctl status` does.";
  static override description =
    "Finds each unit's machine (GET /fleet/v1/units/NAME, then GET /v1/fleet/machines for its API address) and asks " +
    'that node: GET /v1/units/NAME for the state and GET /v1/journal for the last lines. Not for global units or ' +
    'units that are not loaded.';
  static override examples = ['<%= config.bin %> fleet status hello.service', "<%= config.bin %> fleet status 'app@{1..3}'"];
  static override strict = false;
  static override args = UNIT_ARGS;

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetStatus);
    if (this.noUnitsGiven(argv)) return;
    const api = this.fleetApi(flags);
    const units: FleetUnit[] = [];
    for (const name of await namedUnits(api, argv as string[])) {
      const unit = await api.unit(name);
      const problem = remoteProblem(name, unit, 'status');
      if (problem) return this.fail(problem);
      units.push(unit!);
    }
    for (const [i, unit] of units.entries()) {
      const where = await unitMachineEndpoint(api, unit);
      if ('error' in where) return this.fail(where.error);
      const node = new NodeClient(where.endpoint, flags.token);
      let status: RemoteUnitStatus;
      try {
        status = await node.getJson<RemoteUnitStatus>(`/v1/units/${encodeURIComponent(unit.name)}`);
      } catch (error) {
        return this.fail(`Unable to get the status of unit ${unit.name} from ${where.endpoint}: ${(error as Error).message}`);
      }
      const journal = await journalLines(node, unit.name);
      if (i > 0) this.out('');
      this.out(formatRemoteStatus(status, journal));
    }
  }
}

/** The unit's last journal lines; none when that node keeps no journal. */
async function journalLines(node: NodeClient, name: string): Promise<string[]> {
  const params = new URLSearchParams({ unit: name, lines: String(JOURNAL_LINES), output: 'short' });
  try {
    const text = await (await node.request('GET', `/v1/journal?${params}`)).text();
    return text.split('\n').filter((line) => line !== '');
  } catch (error) {
    if (error instanceof NodeClientError && error.status !== undefined) return [];
    throw error;
  }
}
