import type { UnitOption } from '../../../core/index.js';

/** fleet's target states: submitted, written to the machine, running. */
export type DesiredState = 'inactive' | 'loaded' | 'launched';
export const DESIRED_STATES: readonly DesiredState[] = ['inactive', 'loaded', 'launched'];
export const isDesiredState = (value: unknown): value is DesiredState => DESIRED_STATES.includes(value as DesiredState);

/** A submitted unit: which content (by hash) and what should become of it. */
export interface JobRecord {
  hash: string;
  desiredState: DesiredState;
}

/** The content-addressed unit file. */
export interface UnitContentRecord {
  options: UnitOption[];
}

/** What the engine assigned to a machine; the machine's agent makes it so. */
export interface AssignmentRecord {
  hash: string;
  desiredState: Exclude<DesiredState, 'inactive'>;
}

/** A machine's presence, renewed by its agent before the TTL runs out. */
export interface MachineRecord {
  id: string;
  name: string;
  /** The address shown by list-machines (fleet's PublicIP). */
  publicIp: string;
  /** The node's API, where `fleet status` and `fleet journal` reach the unit's machine. */
  apiUrl?: string;
  /** From the node's config; dynamic metadata is kept apart and merged on read. */
  metadata: Record<string, string[]>;
  version: string;
}

/** A unit's state on one machine, as that machine's agent last published it. */
export interface UnitStateRecord {
  loadState: string;
  activeState: string;
  subState: string;
  hash: string;
  /** The agent started it (fleet's job-state heartbeat): currentState reads `launched`. */
  launched: boolean;
}

export interface MachineStatesRecord {
  units: Record<string, UnitStateRecord>;
}

export function parseRecord<T>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}
