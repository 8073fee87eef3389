import type { UnitOption } from '../../../core/index.js';
import { unitNameParts } from './unit-name.js';

export const X_FLEET_SECTION = 'X-Fleet';

/** Current key → the spellings fleet accepts for it, current first. */
const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  MachineID: ['MachineID', 'X-ConditionMachineID', 'X-ConditionMachineBootID'],
  MachineOf: ['MachineOf', 'X-ConditionMachineOf'],
  MachineMetadata: ['MachineMetadata', 'X-ConditionMachineMetadata'],
  Conflicts: ['Conflicts', 'X-Conflicts'],
  Global: ['Global'],
  Replaces: ['Replaces'],
};

/** Keys whose items are also separated by white space. */
const SPACE_SEPARATED = new Set(['Conflicts', 'Replaces']);

const CURRENT_KEY = new Map(Object.entries(SPELLINGS).flatMap(([key, spellings]) => spellings.map((s) => [s, key] as const)));

/** `"a=1" "b=2"` is two items; any other value is one. */
export function splitMultiValue(value: string): string[] {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]!).filter((item) => item !== '');
  }
  return [value];
}

/** fleet's specifiers in [X-Fleet] values: %n full name, %N without suffix, %p prefix, %i instance. */
export function expandFleetSpecifiers(value: string, unitName: string): string {
  if (!value.includes('%')) return value;
  const parts = unitNameParts(unitName);
  return value.replace(/%([nNpi%])/g, (_, spec: string) => {
    switch (spec) {
      case 'n':
        return unitName;
      case 'N':
        return parts.base;
      case 'p':
        return parts.prefix;
      case 'i':
        return parts.instance;
      default:
        return '%';
    }
  });
}

/** The [X-Fleet] section of a unit as the scheduling contract carries it (`SchedulableUnit.requirements`). */
export function fleetRequirements(unitName: string, options: readonly UnitOption[]): Record<string, string[]> {
  const byKey = new Map<string, { rank: number; values: string[] }[]>();
  for (const option of options) {
    if (option.section !== X_FLEET_SECTION) continue;
    const key = CURRENT_KEY.get(option.name) ?? option.name;
    const rank = SPELLINGS[key]?.indexOf(option.name) ?? 0;
    let values = splitMultiValue(option.value).map((v) => expandFleetSpecifiers(v, unitName));
    if (SPACE_SEPARATED.has(key)) values = values.flatMap((v) => v.split(/\s+/)).filter((v) => v !== '');
    const groups = byKey.get(key) ?? [];
    groups.push({ rank, values });
    byKey.set(key, groups);
  }
  const result: Record<string, string[]> = {};
  for (const [key, groups] of byKey) {
    result[key] = groups.sort((a, b) => a.rank - b.rank).flatMap((g) => g.values);
  }
  return result;
}

const TRUTHY = new Set(['true', 'yes', '1', 'on', 't']);

/** fleet's reading of a boolean [X-Fleet] value: the last one wins. */
export function fleetBoolean(values: readonly string[] | undefined): boolean {
  const last = values?.at(-1);
  return last !== undefined && TRUTHY.has(last.trim().toLowerCase());
}
