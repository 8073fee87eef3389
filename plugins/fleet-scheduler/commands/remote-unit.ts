import path from 'node:path';
import { matchesGlob } from '../../../core/glob.js';
import { isGlobalUnit, machineIdLegend } from './columns.js';
import type { FleetApi, FleetUnit } from './fleet-api.js';
import { nodeEndpointOf } from './remote-node.js';
import { expandArgs, isGlob, unitNameOf } from './unit-args.js';

/** Why a unit's machine cannot be asked about it, in fleetctl's words; undefined when it can. */
export function remoteProblem(name: string, unit: FleetUnit | undefined, what: 'status' | 'journal'): string | undefined {
  if (!unit) return `Unit ${name} does not exist.`;
  if (isGlobalUnit(unit)) return what === 'status' ? `Unable to determine status of global unit ${name}.` : `Unable to retrieve journal of global unit ${name}.`;
  if (unit.currentState === 'inactive' || !unit.machineID) return what === 'status' ? `Unit ${name} does not appear to be loaded.` : `Unit ${name} does not appear to be running.`;
  return undefined;
}

/** The names the arguments stand for: braces expanded, globs matched against the registry. */
export async function namedUnits(api: FleetApi, argv: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  let registry: FleetUnit[] | undefined;
  for (const arg of expandArgs(argv)) {
    if (!isGlob(arg)) {
      names.push(unitNameOf(arg));
      continue;
    }
    registry ??= await api.units();
    names.push(...registry.filter((u) => matchesGlob(path.basename(arg), u.name)).map((u) => u.name));
  }
  return [...new Set(names)];
}

/** The API endpoint of the machine a unit is on (GET /v1/fleet/machines), or the reason there is none. */
export async function unitMachineEndpoint(api: FleetApi, unit: FleetUnit): Promise<{ endpoint: string } | { error: string }> {
  const machines = await api.nodeMachines();
  const machine = machines.find((m) => m.id === unit.machineID);
  const legend = machineIdLegend(unit.machineID!, false);
  if (!machine) return { error: `Unable to find machine ${legend} of unit ${unit.name} in the cluster.` };
  const endpoint = nodeEndpointOf(machine);
  if (!endpoint) return { error: `Unable to reach machine ${legend} of unit ${unit.name}: it publishes no API address.` };
  return { endpoint };
}
