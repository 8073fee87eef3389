import type { Message, NodeId } from '../../../plugins/raft-kv/raft/types.js';
import type { Rng } from './prng.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  drop: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  duplicate: number;
  /** Delays are drawn from [1, maxDelay] ticks, which also reorders messages. */
  maxDelay: number;
}

export const QUIET_NETWORK: NetworkFaults = { drop: 0, duplicate: 0, maxDelay: 1 };

interface InFlight {
  deliverAt: number;
  message: Message;
  /** Which life of the sender sent it. */
  incarnation: number;
}

export type DeliveryOutcome = 'delivered' | 'dropped' | 'cut';

/**
 * Messages in flight between simulated nodes. A message is copied when sent, as a wire would,
 * so no two nodes ever share an object. Partitions are a set of cut directed links, checked
 * when a message would be delivered.
 */
export class SimNetwork {
  faults: NetworkFaults;
  private inFlight: InFlight[] = [];
  private readonly cut = new Set<string>();

  constructor(
    private readonly rng: Rng,
    faults: NetworkFaults,
  ) {
    this.faults = { ...faults };
  }

  get pending(): number {
    return this.inFlight.length;
  }

  send(message: Message, now: number, incarnation: number): void {
    const copies = this.rng.chance(this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.inFlight.push({ deliverAt: now + this.rng.between(1, Math.max(1, this.faults.maxDelay)), message: structuredClone(message), incarnation });
    }
  }

  /**
   * The messages due at `now`, in a random order. Loss is decided here rather than at send
   * time so the sender of a lost snapshot can be told it failed.
   */
  due(now: number): { message: Message; incarnation: number; outcome: DeliveryOutcome }[] {
    const ready: InFlight[] = [];
    const later: InFlight[] = [];
    for (const item of this.inFlight) (item.deliverAt <= now ? ready : later).push(item);
    this.inFlight = later;
    this.rng.shuffle(ready);
    return ready.map(({ message, incarnation }) => ({
      message,
      incarnation,
      outcome: !this.connected(message.from, message.to) ? 'cut' : this.rng.chance(this.faults.drop) ? 'dropped' : 'delivered',
    }));
  }

  /** Puts a message back in flight, to arrive at `at` (its receiver is paused). */
  hold(message: Message, incarnation: number, at: number): void {
    this.inFlight.push({ deliverAt: at, message, incarnation });
  }

  connected(from: NodeId, to: NodeId): boolean {
    return !this.cut.has(`${from}>${to}`);
  }

  /** Cuts every link between the groups (both directions); nodes in no group keep all links. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.cut.clear();
    for (let i = 0; i < groups.length; i++) {
      for (let j = 0; j < groups.length; j++) {
        if (i === j) continue;
        for (const a of groups[i]!) for (const b of groups[j]!) this.cut.add(`${a}>${b}`);
      }
    }
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  /** Forgets everything addressed to or sent by a node (it crashed, so its sockets closed). */
  dropFor(node: NodeId): void {
    this.inFlight = this.inFlight.filter((item) => item.message.to !== node);
  }
}
