import type { UnitOption } from '../../../core/index.js';
import { unitHash } from '../unit-file/unit-options.js';
import { fleetBoolean, fleetRequirements } from '../unit-file/x-fleet.js';
import type { FleetMachine, FleetUnit, FleetUnitState } from './fleet-api.js';

/** fleetctl's short machine id: the first 8 characters. */
const SHORT_ID_LENGTH = 8;
/** fleetctl's short hash: the first 7 hex digits. */
const SHORT_HASH_LENGTH = 7;

/** `2c4f1e3a...`, or the whole id with --full. */
export function machineIdLegend(id: string, full: boolean): string {
  return full ? id : `${id.length <= SHORT_ID_LENGTH ? id : id.slice(0, SHORT_ID_LENGTH)}...`;
}

/** `2c4f1e3a.../10.0.0.1`: the id legend and the machine's address when it has one. */
export function machineLegend(machine: { id: string; primaryIP?: string }, full: boolean): string {
  const legend = machineIdLegend(machine.id, full);
  return machine.primaryIP ? `${legend}/${machine.primaryIP}` : legend;
}

/** `k=v,k2=v2` sorted by key, `-` when there is none. */
export function formatMetadata(metadata: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(metadata ?? {}).sort();
  return keys.length === 0 ? '-' : keys.map((key) => `${key}=${metadata![key]}`).join(',');
}

export function formatHash(hash: string | undefined, full: boolean): string {
  if (!hash) return '-';
  return full ? hash : hash.slice(0, SHORT_HASH_LENGTH);
}

/** fleet's `Global=true` in [X-Fleet] (the last value wins). */
export function isGlobalUnit(unit: Pick<FleetUnit, 'name' | 'options'> & { global?: unknown }): boolean {
  return unit.global === true || fleetBoolean(fleetRequirements(unit.name, unit.options ?? []).Global);
}

/** The unit's Description= in [Unit], the last one given. */
export function unitDescription(options: readonly UnitOption[] | undefined): string | undefined {
  return options?.filter((o) => o.section === 'Unit' && o.name === 'Description').at(-1)?.value;
}

/** Looks up machines by id; an unknown id shows as the id alone. */
export type MachineLookup = (id: string) => FleetMachine;

export interface ColumnContext {
  full: boolean;
  machine: MachineLookup;
}

export type Column<T> = (row: T, context: ColumnContext) => string;

export const MACHINE_COLUMNS: Readonly<Record<string, Column<FleetMachine>>> = {
  machine: (m, c) => machineIdLegend(m.id, c.full),
  ip: (m) => m.primaryIP || '-',
  metadata: (m) => formatMetadata(m.metadata),
};
export const DEFAULT_MACHINE_FIELDS = 'machine,ip,metadata';

export const UNIT_STATE_COLUMNS: Readonly<Record<string, Column<FleetUnitState>>> = {
  unit: (s) => s.name || '-',
  load: (s) => s.systemdLoadState || '-',
  active: (s) => s.systemdActiveState || '-',
  sub: (s) => s.systemdSubState || '-',
  machine: (s, c) => (s.machineID ? machineLegend(c.machine(s.machineID), c.full) : '-'),
  hash: (s, c) => formatHash(s.hash, c.full),
};
export const DEFAULT_UNIT_STATE_FIELDS = 'unit,machine,active,sub';

const targetColumn: Column<FleetUnit> = (u, c) => {
  if (isGlobalUnit(u)) return 'global';
  return u.machineID ? machineLegend(c.machine(u.machineID), c.full) : '-';
};

export const UNIT_FILE_COLUMNS: Readonly<Record<string, Column<FleetUnit>>> = {
  unit: (u) => u.name,
  desc: (u) => unitDescription(u.options) || '-',
  global: (u) => String(isGlobalUnit(u)),
  hash: (u, c) => formatHash(unitHash(u.options ?? []), c.full),
  dstate: (u) => u.desiredState || '-',
  state: (u) => (isGlobalUnit(u) || !u.currentState ? '-' : u.currentState),
  target: targetColumn,
  tmachine: targetColumn,
};
export const DEFAULT_UNIT_FILE_FIELDS = 'unit,hash,dstate,state,target';

/** The columns named by --fields, or fleetctl's complaint about them. */
export function parseFields(spec: string, valid: Readonly<Record<string, unknown>>): { fields: string[] } | { error: string } {
  if (spec === '') return { error: 'Must define output format' };
  const fields = spec.split(',');
  const unknown = fields.find((field) => !Object.hasOwn(valid, field));
  return unknown === undefined ? { fields } : { error: `Invalid key in output format: ${JSON.stringify(unknown)}` };
}

/** The cells of each row for the chosen fields. */
export function rowsOf<T>(items: readonly T[], fields: readonly string[], columns: Readonly<Record<string, Column<T>>>, context: ColumnContext): string[][] {
  return items.map((item) => fields.map((field) => columns[field]!(item, context)));
}

/** A sorted, comma-separated list of the valid field names, for --fields' help. */
export function fieldNames(columns: Readonly<Record<string, unknown>>): string {
  return Object.keys(columns).sort().join(',');
}
