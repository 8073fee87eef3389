import { NodeClient } from '../../../core/cli/index.js';
import { isGlobalUnit, machineLegend } from './columns.js';
import type { FleetApi, FleetUnit } from './fleet-api.js';
import { BLOCK_FLAGS } from './fleet-command.js';
import { nodeEndpointOf } from './remote-node.js';
import { blockAttemptsOf } from './wait.js';
import { FleetUnitCommand, UNIT_ARGS } from './unit-verbs.js';

/** A unit's restart job lasts as long as its stop and start take; an unreachable node still fails at once. */
const JOB_TIMEOUT_MS = 2_147_483_647;

export default class FleetRestart extends FleetUnitCommand {
  static override summary = 'Restart units in the cluster, as `fleetctl restart` does.';
  static override description =
    'A launched unit is set to loaded and waited for, then set to launched and waited for until its machine reports ' +
    'it active; a loaded unit is just started. A global unit is restarted on every machine that runs it, through ' +
    "that machine's API (POST /v1/units/NAME/restart).";
  static override examples = ['<%= config.bin %> fleet restart hello.service', "<%= config.bin %> fleet restart --block-attempts=10 'app@{1..3}'"];
  static override strict = false;
  static override args = UNIT_ARGS;
  static override flags = { ...BLOCK_FLAGS };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetRestart);
    const named = await this.namedRegistryUnits(flags, argv);
    if (!named) return;
    const { api, units } = named;
    const lifecycle = this.lifecycle(api);
    const attempts = blockAttemptsOf(flags);
    let ok = true;
    for (const unit of units) {
      if (isGlobalUnit(unit)) {
        ok = (await this.restartGlobal(api, unit, flags.token)) && ok;
        continue;
      }
      if (unit.currentState === 'inactive') return this.fail(`Unable to restart unit ${unit.name} in state inactive`);
      if (unit.currentState === 'launched') {
        await api.setDesiredState(unit.name, 'loaded');
        ok = (await lifecycle.waitForStates([unit.name], 'stop', 'loaded', attempts)) && ok;
      }
      await api.setDesiredState(unit.name, 'launched');
      ok = (await lifecycle.waitForStates([unit.name], 'start', 'launched', attempts)) && ok;
    }
    if (!ok) this.exit(1);
  }

  /** Restarts the unit on each machine that publishes a state for it; one not launched is started instead. */
  private async restartGlobal(api: FleetApi, unit: FleetUnit, token: string | undefined): Promise<boolean> {
    if (unit.desiredState !== 'launched') {
      await api.setDesiredState(unit.name, 'launched');
      this.out(`Triggered global unit ${unit.name} start`);
      return true;
    }
    const [states, machines, nodes] = await Promise.all([api.states(), api.machines(), api.nodeMachines()]);
    let ok = true;
    for (const state of states.filter((s) => s.name === unit.name && s.machineID)) {
      const machine = machines.find((m) => m.id === state.machineID) ?? { id: state.machineID! };
      const endpoint = nodeEndpointOf(nodes.find((n) => n.id === state.machineID));
      const legend = machineLegend(machine, false);
      if (!endpoint) {
        this.err(`Unable to restart global unit ${unit.name} on ${legend}: the machine publishes no API address`);
        ok = false;
        continue;
      }
      try {
        await new NodeClient(endpoint, token, JOB_TIMEOUT_MS).request('POST', `/v1/units/${encodeURIComponent(unit.name)}/restart`);
        this.out(`Restarted global unit ${unit.name} on ${legend}`);
      } catch (error) {
        this.err(`Unable to restart global unit ${unit.name} on ${legend}: ${(error as Error).message}`);
        ok = false;
      }
    }
    return ok;
  }
}
