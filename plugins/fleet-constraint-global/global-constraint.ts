import type { SchedulableUnit, SchedulingConstraint } from '../../core/index.js';

const TRUTHY = new Set(['true', 'yes', '1', 'on', 't']);

/** fleet's reading of [X-Fleet] Global=: the last value wins, and only these spellings are true. */
export function isGlobal(unit: SchedulableUnit): boolean {
  const last = unit.requirements.Global?.at(-1);
  return last !== undefined && TRUTHY.has(last.trim().toLowerCase());
}

/** [X-Fleet] Global=true: the unit runs on every machine that passes the other rules. */
export class GlobalConstraint implements SchedulingConstraint {
  readonly name = 'global';

  placesOnEvery(unit: SchedulableUnit): boolean {
    return isGlobal(unit);
  }
}
