import type { NodeId, ReadState } from '../../../plugins/raft-kv/raft/types.js';
import type { HistoryOperation, HistoryRecorder } from './history.js';
import type { KvCommand, KvResult } from './kv-state-machine.js';
import type { Rng } from './prng.js';
import type { ReadWindow, RegisterChecker } from './register-checker.js';
import type { SimNode } from './sim-node.js';

interface PendingOperation {
  slot: number;
  record: HistoryOperation;
  node: NodeId;
  deadline: number;
  key: string;
  /** The command written by a write or compare-and-set. */
  value?: string;
  window?: ReadWindow;
}

/**
 * Clients issuing register writes, compare-and-sets and ReadIndex reads against random nodes.
 * Each slot runs one operation at a time; when an outcome is unknown the slot continues under
 * a fresh client number.
 */
export class Workload {
  private readonly clientOfSlot: number[];
  private nextClient: number;
  private seq = 0;
  private readonly writes = new Map<string, PendingOperation>();
  private readonly reads = new Map<string, PendingOperation>();
  private readonly busy = new Set<number>();
  private readonly lastSeen = new Map<string, string | null>();
  probeAcknowledged = false;

  constructor(
    private readonly slots: number,
    private readonly keys: readonly string[],
    private readonly rng: Rng,
    private readonly history: HistoryRecorder,
    private readonly registers: RegisterChecker,
    private readonly trace: (line: string) => void,
  ) {
    // The extra last slot belongs to the liveness probe.
    this.clientOfSlot = Array.from({ length: slots + 1 }, (_, i) => i);
    this.nextClient = slots + 1;
  }

  get outstanding(): number {
    return this.busy.size;
  }

  /** Idle slots start an operation with probability `rate`, against one of `targets`. */
  startOperations(now: number, rate: number, targets: readonly SimNode[], leader: SimNode | undefined, timeout: number): void {
    if (targets.length === 0) return;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.busy.has(slot) || !this.rng.chance(rate)) continue;
      const node = leader && this.rng.chance(0.4) ? leader : this.rng.pick(targets);
      const roll = this.rng.next();
      this.start(slot, node, roll < 0.4 ? 'write' : roll < 0.6 ? 'cas' : 'read', this.rng.pick(this.keys), now, timeout);
    }
  }

  /** A write from a dedicated slot, used to show the healed cluster still commits. */
  probe(node: SimNode, now: number, timeout: number): boolean {
    return this.start(this.slots, node, 'write', this.keys[0]!, now, timeout);
  }

  probePending(): boolean {
    return this.busy.has(this.slots);
  }

  private start(slot: number, node: SimNode, op: 'write' | 'cas' | 'read', key: string, now: number, timeout: number): boolean {
    const raft = node.raft;
    if (!raft) return false;
    const client = this.clientOfSlot[slot]!;
    const tag = `c${client}.${this.seq++}`;
    if (op === 'read') {
      const window = this.registers.readStarted(key);
      const record = this.history.invoke({ client, key, op, call: now });
      if (!raft.readIndex(tag)) {
        this.history.withdraw(record);
        this.trace(`client ${client} read ${key} at ${node.name}: refused`);
        return false;
      }
      this.trace(`client ${client} read ${key} at ${node.name} (${tag})`);
      this.reads.set(tag, { slot, record, node: node.id, deadline: now + timeout, key, window });
      this.busy.add(slot);
      return true;
    }
    const value = `v${tag}`;
    let command: KvCommand;
    let record: HistoryOperation;
    if (op === 'write') {
      command = { id: tag, op, key, value };
      record = this.history.invoke({ client, key, op, value, call: now });
    } else {
      const expected = this.rng.chance(0.8) ? (this.lastSeen.get(key) ?? null) : null;
      command = { id: tag, op, key, expected, value };
      record = this.history.invoke({ client, key, op, value, expected, call: now });
    }
    const result = raft.propose(JSON.stringify(command));
    if (!result.accepted) {
      this.history.withdraw(record);
      this.registers.onRejected(tag);
      this.trace(`client ${client} ${op} ${key}=${value} at ${node.name}: refused (${result.reason})`);
      return false;
    }
    this.trace(`client ${client} ${op} ${key}=${value}${op === 'cas' ? ` if ${JSON.stringify(command.op === 'cas' ? command.expected : null)}` : ''} at ${node.name} (${tag})`);
    this.writes.set(tag, { slot, record, node: node.id, deadline: now + timeout, key, value });
    this.busy.add(slot);
    return true;
  }

  onCommandApplied(node: SimNode, command: KvCommand, result: KvResult, entryIndex: number, first: boolean, now: number): void {
    if (first && result.index === entryIndex && result.ok) this.registers.onEffect(command.id, command.key, command.value, entryIndex);
    const pending = this.writes.get(command.id);
    if (!pending || pending.node !== node.id) return;
    this.writes.delete(command.id);
    this.busy.delete(pending.slot);
    this.history.complete(pending.record, now, { ok: result.ok });
    if (pending.slot === this.slots) this.probeAcknowledged = true;
    if (result.ok) {
      this.registers.onWriteAcknowledged(command.key, command.value, result.index, pending.record.client);
      this.lastSeen.set(command.key, command.value);
    }
    this.trace(`client ${pending.record.client} ${command.op} ${command.id} acknowledged by ${node.name}: ${result.ok ? 'ok' : 'failed'} (index ${result.index})`);
  }

  onReadServable(node: SimNode, read: ReadState, now: number): void {
    const pending = this.reads.get(read.context);
    if (!pending || pending.node !== node.id) return;
    this.reads.delete(read.context);
    this.busy.delete(pending.slot);
    const value = node.machine.get(pending.key);
    this.registers.readServed(pending.window!, value, pending.record.client, node.name, read.index);
    this.history.complete(pending.record, now, { value });
    this.lastSeen.set(pending.key, value);
    this.trace(`client ${pending.record.client} read ${pending.key}=${JSON.stringify(value)} from ${node.name} (read index ${read.index}, applied ${node.machine.applied})`);
  }

  /** Operations on a crashed node, or past their deadline, end with an unknown outcome. */
  abandon(filter: (pending: PendingOperation) => boolean, why: string): void {
    for (const table of [this.writes, this.reads]) {
      for (const [tag, pending] of table) {
        if (!filter(pending)) continue;
        table.delete(tag);
        this.busy.delete(pending.slot);
        this.clientOfSlot[pending.slot] = this.nextClient++;
        this.trace(`client ${pending.record.client} ${pending.record.op} ${tag}: outcome unknown (${why})`);
      }
    }
  }

  abandonOnNode(node: NodeId): void {
    this.abandon((pending) => pending.node === node, 'node crashed');
  }

  abandonExpired(now: number): void {
    this.abandon((pending) => pending.deadline < now, 'timed out');
  }
}
