import type { UnitOption } from '../../../core/index.js';
import type { FleetUnit, FleetUnitState } from '../fleet-cluster.js';
import type { MachineView } from '../registry/fleet-registry.js';

/*
 * fleet's JSON entities. Every field is omitted when empty, and fields come in the order fleet's
 * Go structs declare them, so bodies match fleet's byte for byte.
 */

type Entity = Record<string, unknown>;

/** Sets `key` only when the value is a non-empty string, array or object (Go's omitempty). */
function put(entity: Entity, key: string, value: string | readonly unknown[] | Record<string, unknown> | undefined): Entity {
  if (value === undefined) return entity;
  const empty = typeof value === 'string' ? value === '' : Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
  if (!empty) entity[key] = value;
  return entity;
}

export function unitOptionEntity(option: UnitOption): Entity {
  const entity: Entity = {};
  put(entity, 'name', option.name);
  put(entity, 'section', option.section);
  return put(entity, 'value', option.value);
}

/**
 * A unit. fleet looks no schedule up for a single global unit, so it has no currentState; in a
 * listing, though, fleet's schedule covers every unit and a global one reads `inactive`.
 */
export function unitEntity(unit: FleetUnit, listing = false): Entity {
  const entity: Entity = {};
  put(entity, 'currentState', unit.currentState ?? (listing && unit.global ? 'inactive' : undefined));
  put(entity, 'desiredState', unit.desiredState);
  put(entity, 'machineID', unit.machineId);
  put(entity, 'name', unit.name);
  return put(entity, 'options', unit.options.map(unitOptionEntity));
}

export function unitStateEntity(state: FleetUnitState): Entity {
  const entity: Entity = {};
  put(entity, 'hash', state.hash);
  put(entity, 'machineID', state.machineId);
  put(entity, 'name', state.name);
  put(entity, 'systemdActiveState', state.activeState);
  put(entity, 'systemdLoadState', state.loadState);
  return put(entity, 'systemdSubState', state.subState);
}

/** A machine; fleet holds one value per metadata key, so several values show joined by commas. Keys sorted, as Go writes maps. */
export function machineEntity(machine: MachineView): Entity {
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(machine.metadata).sort()) metadata[key] = machine.metadata[key]!.join(',');
  const entity: Entity = {};
  put(entity, 'id', machine.id);
  put(entity, 'metadata', metadata);
  return put(entity, 'primaryIP', machine.publicIp);
}

export const machinePage = (machines: Entity[], next?: string) => put(put({}, 'machines', machines), 'nextPageToken', next);
export const unitPage = (units: Entity[], next?: string) => put(put({}, 'nextPageToken', next), 'units', units);
export const unitStatePage = (states: Entity[], next?: string) => put(put({}, 'nextPageToken', next), 'states', states);

/** JSON as Go's encoding/json writes it: compact, with <, >, &, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
