import type { Entry } from '../../../plugins/raft-kv/raft/types.js';

/** A client command as it travels through the simulated cluster's log. */
export type KvCommand =
  | { id: string; op: 'write'; key: string; value: string }
  | { id: string; op: 'cas'; key: string; expected: string | null; value: string };

export interface KvResult {
  /** The entry index at which the command took effect (its first application). */
  index: number;
  ok: boolean;
}

interface KvSnapshotData {
  applied: number;
  digest: number;
  kv: [string, string][];
  results: [string, KvResult][];
}

/**
 * A register per key with write and compare-and-set. Commands are de-duplicated by id, as a
 * real store does with request ids: Raft itself may append a forwarded proposal twice.
 */
export class KvStateMachine {
  applied = 0;
  /** A running hash of every applied entry: equal digests at equal indexes mean equal histories. */
  digest = 0;
  private readonly kv = new Map<string, string>();
  private readonly results = new Map<string, KvResult>();

  get(key: string): string | null {
    return this.kv.get(key) ?? null;
  }

  resultOf(id: string): KvResult | undefined {
    return this.results.get(id);
  }

  /** Applies one committed entry; returns the command it carried, if any. */
  apply(entry: Entry): KvCommand | undefined {
    this.applied = entry.index;
    this.digest = entryDigest(this.digest, entry);
    if (entry.type !== 'normal' || entry.data === '') return undefined;
    const command = JSON.parse(entry.data) as KvCommand;
    if (this.results.has(command.id)) return command;
    if (command.op === 'write') {
      this.kv.set(command.key, command.value);
      this.results.set(command.id, { index: entry.index, ok: true });
    } else {
      const ok = this.get(command.key) === command.expected;
      if (ok) this.kv.set(command.key, command.value);
      this.results.set(command.id, { index: entry.index, ok });
    }
    return command;
  }

  snapshot(): Uint8Array {
    const data: KvSnapshotData = { applied: this.applied, digest: this.digest, kv: [...this.kv], results: [...this.results] };
    return new TextEncoder().encode(JSON.stringify(data));
  }

  static restore(bytes: Uint8Array): KvStateMachine {
    const data = JSON.parse(new TextDecoder().decode(bytes)) as KvSnapshotData;
    const machine = new KvStateMachine();
    machine.applied = data.applied;
    machine.digest = data.digest;
    for (const [key, value] of data.kv) machine.kv.set(key, value);
    for (const [id, result] of data.results) machine.results.set(id, result);
    return machine;
  }
}

export function entryDigest(previous: number, entry: Entry): number {
  let hash = (previous ^ 0x811c9dc5) >>> 0;
  const text = `${entry.index}|${entry.term}|${entry.type}|${entry.data}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
