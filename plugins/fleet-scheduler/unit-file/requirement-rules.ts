import { matchesGlob, type SchedulableUnit } from '../../../core/index.js';
import { fleetBoolean } from './x-fleet.js';

/** Combinations of [X-Fleet] keys fleet refuses, with its messages. */
const EXCLUSIVE: readonly [string, string, string][] = [
  ['MachineID', 'MachineOf', 'MachineID cannot be used with Peers'],
  ['MachineID', 'Conflicts', 'MachineID cannot be used with Conflicts'],
  ['MachineID', 'Global', 'MachineID cannot be used with Global'],
  ['MachineID', 'Replaces', 'MachineID cannot be used with Replaces'],
  ['Global', 'MachineOf', 'Global cannot be used with Peers'],
  ['Global', 'Replaces', 'Global cannot be used with Replaces'],
  ['Conflicts', 'Replaces', 'Conflicts cannot be used with Replaces'],
];

function has(unit: SchedulableUnit, key: string): boolean {
  if (key === 'Global') return fleetBoolean(unit.requirements.Global);
  return (unit.requirements[key]?.length ?? 0) > 0;
}

/** The first reason fleet would refuse these requirements, or undefined. */
export function requirementProblem(unit: SchedulableUnit): string | undefined {
  const peers = unit.requirements.MachineOf ?? [];
  for (const peer of peers) {
    for (const conflict of unit.requirements.Conflicts ?? []) {
      if (matchesGlob(conflict, peer)) return `unresolvable requirements: peer "${peer}" matches conflict "${conflict}"`;
    }
    for (const replaced of unit.requirements.Replaces ?? []) {
      if (matchesGlob(replaced, peer)) return `unresolvable requirements: peer "${peer}" matches replaced unit "${replaced}"`;
    }
  }
  for (const [a, b, message] of EXCLUSIVE) if (has(unit, a) && has(unit, b)) return message;
  return undefined;
}
