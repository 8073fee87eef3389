import { KvError, KvErrorCode, type KvNode, type KvStore, type UnitOption } from '../../../core/index.js';
import { unitHash } from '../unit-file/unit-options.js';
import {
  parseRecord,
  type AssignmentRecord,
  type DesiredState,
  type JobRecord,
  type MachineRecord,
  type MachineStatesRecord,
  type UnitContentRecord,
  type UnitStateRecord,
} from './records.js';
import { RegistryKeys } from './registry-keys.js';

const isMissing = (error: unknown) => error instanceof KvError && error.errorCode === KvErrorCode.KeyNotFound;
const isCasFailure = (error: unknown) =>
  error instanceof KvError && (error.errorCode === KvErrorCode.TestFailed || error.errorCode === KvErrorCode.NodeExist || error.errorCode === KvErrorCode.KeyNotFound);

export interface MachineView extends MachineRecord {
  /** Config metadata with dynamic metadata applied on top. */
  metadata: Record<string, string[]>;
}

export type Schedule = Map<string, Map<string, AssignmentRecord>>;
export type StateTable = Map<string, Map<string, UnitStateRecord>>;

/**
 * fleet's registry on the node's KvStore: jobs and their content-addressed unit files, the
 * engine's schedule (one directory per machine, which only that machine's agent watches),
 * machine presence, dynamic metadata, published unit states and the engine lease.
 */
export class FleetRegistry {
  readonly keys: RegistryKeys;
  private readonly contents = new Map<string, UnitOption[]>();
  /** What this registry last wrote to the keys it keeps alive (its machine's presence and states). */
  private readonly lastKept = new Map<string, string>();

  constructor(
    readonly kv: KvStore,
    prefix: string,
  ) {
    this.keys = new RegistryKeys(prefix.replace(/\/+$/, ''));
  }

  /** Children of a directory, or none when it does not exist. */
  async children(dir: string, recursive = false): Promise<{ nodes: KvNode[]; index: number }> {
    try {
      const result = await this.kv.get(dir, { recursive });
      return { nodes: result.node.nodes ?? [], index: result.index };
    } catch (error) {
      if (isMissing(error)) return { nodes: [], index: error instanceof KvError ? error.index : 0 };
      throw error;
    }
  }

  // Jobs and unit files

  async job(name: string): Promise<JobRecord | undefined> {
    try {
      return parseRecord<JobRecord>((await this.kv.get(this.keys.job(name))).node.value);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async jobs(): Promise<Map<string, JobRecord>> {
    const { nodes } = await this.children(this.keys.jobs);
    const jobs = new Map<string, JobRecord>();
    for (const node of nodes) {
      const record = parseRecord<JobRecord>(node.value);
      if (record) jobs.set(RegistryKeys.leaf(node.key), record);
    }
    return jobs;
  }

  /** The unit file with this hash; immutable, so it is cached once read. */
  async unitOptions(hash: string): Promise<UnitOption[] | undefined> {
    const cached = this.contents.get(hash);
    if (cached) return cached;
    try {
      const record = parseRecord<UnitContentRecord>((await this.kv.get(this.keys.unitContent(hash))).node.value);
      if (record) this.contents.set(hash, record.options);
      return record?.options;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Creates or replaces a unit: its content first, then the job that points at it. */
  async putUnit(name: string, options: UnitOption[], desiredState: DesiredState): Promise<JobRecord> {
    const hash = unitHash(options);
    const job: JobRecord = { hash, desiredState };
    const content = JSON.stringify({ options } satisfies UnitContentRecord);
    await this.kv.set(this.keys.unitContent(hash), content);
    this.contents.set(hash, options);
    await this.kv.set(this.keys.job(name), JSON.stringify(job));
    // Written again after the job: a sweep that saw the content unused before the job existed
    // then either fails its compare-and-delete or is undone here (see collectUnusedContent).
    await this.kv.set(this.keys.unitContent(hash), content);
    return job;
  }

  /** Changes a unit's desired state; false when the unit does not exist. */
  async setDesiredState(name: string, desiredState: DesiredState): Promise<boolean> {
    for (;;) {
      let current;
      try {
        current = await this.kv.get(this.keys.job(name));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      const job = parseRecord<JobRecord>(current.node.value);
      if (!job) return false;
      if (job.desiredState === desiredState) return true;
      try {
        await this.kv.set(this.keys.job(name), JSON.stringify({ ...job, desiredState }), { prevIndex: current.node.modifiedIndex });
        return true;
      } catch (error) {
        if (!isCasFailure(error)) throw error;
      }
    }
  }

  /** Removes a unit; false when there was no such unit. Its content goes with the engine's next sweep. */
  async destroyUnit(name: string): Promise<boolean> {
    try {
      await this.kv.delete(this.keys.job(name));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes unit files no unit uses any more; returns how many. The jobs are read after the
   * files, and each delete is a compare-and-delete on the file's index, so a file that a submit
   * wrote (or wrote again) meanwhile is kept.
   */
  async collectUnusedContent(): Promise<number> {
    const { nodes } = await this.children(this.keys.unitContents);
    if (nodes.length === 0) return 0;
    const used = new Set([...(await this.jobs()).values()].map((job) => job.hash));
    let removed = 0;
    for (const node of nodes) {
      const hash = RegistryKeys.leaf(node.key);
      if (used.has(hash)) continue;
      await this.kv.delete(node.key, { prevIndex: node.modifiedIndex }).then(
        () => {
          removed++;
          this.contents.delete(hash);
        },
        (error) => {
          if (!isCasFailure(error)) throw error;
        },
      );
    }
    return removed;
  }

  // Schedule

  async schedule(): Promise<Schedule> {
    const { nodes } = await this.children(this.keys.schedule, true);
    const schedule: Schedule = new Map();
    for (const dir of nodes) schedule.set(RegistryKeys.leaf(dir.key), assignmentsOf(dir.nodes ?? []));
    return schedule;
  }

  /** One machine's assignments and the index they were read at (to watch from). */
  async machineSchedule(machine: string): Promise<{ assignments: Map<string, AssignmentRecord>; index: number }> {
    const { nodes, index } = await this.children(this.keys.machineSchedule(machine));
    return { assignments: assignmentsOf(nodes), index };
  }

  async assign(machine: string, unit: string, assignment: AssignmentRecord): Promise<void> {
    await this.kv.set(this.keys.assignment(machine, unit), JSON.stringify(assignment));
  }

  async unassign(machine: string, unit: string): Promise<void> {
    await this.kv.delete(this.keys.assignment(machine, unit)).catch((error) => {
      if (!isMissing(error)) throw error;
    });
  }

  // Machines

  async heartbeat(record: MachineRecord, ttlSeconds: number): Promise<void> {
    await this.keepAlive(this.keys.machine(record.id), JSON.stringify(record), ttlSeconds);
  }

  /**
   * Writes a value with a TTL; when it is what this registry last wrote there, only renews the
   * TTL, which wakes no watcher (the engine watches every machine's key).
   */
  private async keepAlive(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.lastKept.get(key) === value) {
      try {
        await this.kv.set(key, '', { refresh: true, prevExist: true, ttl: ttlSeconds });
        return;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    this.lastKept.delete(key);
    await this.kv.set(key, value, { ttl: ttlSeconds });
    this.lastKept.set(key, value);
  }

  async removeMachine(id: string): Promise<void> {
    this.lastKept.delete(this.keys.machine(id));
    await this.kv.delete(this.keys.machine(id)).catch((error) => {
      if (!isMissing(error)) throw error;
    });
  }

  /** Live machines with their dynamic metadata applied, sorted by id. */
  async machines(): Promise<MachineView[]> {
    const [{ nodes }, dynamic] = await Promise.all([this.children(this.keys.machines), this.dynamicMetadata()]);
    const machines: MachineView[] = [];
    for (const node of nodes) {
      const record = parseRecord<MachineRecord>(node.value);
      if (!record) continue;
      machines.push({ ...record, metadata: mergeMetadata(record.metadata, dynamic.get(record.id)) });
    }
    return machines.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Metadata set through the API, by machine; it outlives the machine's presence. */
  async dynamicMetadata(): Promise<Map<string, Map<string, string>>> {
    const { nodes } = await this.children(this.keys.metadata, true);
    const result = new Map<string, Map<string, string>>();
    for (const dir of nodes) {
      result.set(RegistryKeys.leaf(dir.key), new Map((dir.nodes ?? []).map((n) => [RegistryKeys.leaf(n.key), n.value ?? ''])));
    }
    return result;
  }

  /** Sets (or with `undefined` removes) one key of a machine's dynamic metadata. */
  async setDynamicMetadata(machine: string, key: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.kv.delete(this.keys.metadataKey(machine, key)).catch((error) => {
        if (!isMissing(error)) throw error;
      });
    } else {
      await this.kv.set(this.keys.metadataKey(machine, key), value);
    }
  }

  // Unit states

  async publishStates(machine: string, units: Record<string, UnitStateRecord>, ttlSeconds: number): Promise<void> {
    await this.keepAlive(this.keys.machineStates(machine), JSON.stringify({ units } satisfies MachineStatesRecord), ttlSeconds);
  }

  async removeStates(machine: string): Promise<void> {
    this.lastKept.delete(this.keys.machineStates(machine));
    await this.kv.delete(this.keys.machineStates(machine)).catch((error) => {
      if (!isMissing(error)) throw error;
    });
  }

  /** One machine's published states, by unit. */
  async statesOn(machine: string): Promise<Map<string, UnitStateRecord>> {
    try {
      const record = parseRecord<MachineStatesRecord>((await this.kv.get(this.keys.machineStates(machine))).node.value);
      return new Map(Object.entries(record?.units ?? {}));
    } catch (error) {
      if (isMissing(error)) return new Map();
      throw error;
    }
  }

  /** Published states by machine, then unit. */
  async states(): Promise<StateTable> {
    const { nodes } = await this.children(this.keys.states);
    const table: StateTable = new Map();
    for (const node of nodes) {
      const record = parseRecord<MachineStatesRecord>(node.value);
      if (record) table.set(RegistryKeys.leaf(node.key), new Map(Object.entries(record.units)));
    }
    return table;
  }

  // Engine lease

  /** Takes the lease when it is free, renews it when this machine holds it; true when it is held. */
  async holdLease(holder: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.kv.set(this.keys.engineLease, holder, { prevValue: holder, ttl: ttlSeconds });
      return true;
    } catch (error) {
      if (!isCasFailure(error)) throw error;
    }
    try {
      await this.kv.set(this.keys.engineLease, holder, { prevExist: false, ttl: ttlSeconds });
      return true;
    } catch (error) {
      if (!isCasFailure(error)) throw error;
      return false;
    }
  }

  async releaseLease(holder: string): Promise<void> {
    await this.kv.delete(this.keys.engineLease, { prevValue: holder }).catch((error) => {
      if (!isCasFailure(error)) throw error;
    });
  }

  async leaseHolder(): Promise<string | undefined> {
    try {
      return (await this.kv.get(this.keys.engineLease)).node.value;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

function assignmentsOf(nodes: readonly KvNode[]): Map<string, AssignmentRecord> {
  const assignments = new Map<string, AssignmentRecord>();
  for (const node of nodes) {
    const record = parseRecord<AssignmentRecord>(node.value);
    if (record) assignments.set(RegistryKeys.leaf(node.key), record);
  }
  return assignments;
}

/** Dynamic metadata wins over the config's; an empty value removes the key (fleet's rule). */
export function mergeMetadata(base: Readonly<Record<string, string[]>>, dynamic: ReadonlyMap<string, string> | undefined): Record<string, string[]> {
  const merged: Record<string, string[]> = { ...base };
  for (const [key, value] of dynamic ?? []) {
    if (value === '') delete merged[key];
    else merged[key] = [value];
  }
  return merged;
}
