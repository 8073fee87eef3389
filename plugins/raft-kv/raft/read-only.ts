import type { NodeId } from './types.js';

export interface ReadRequest {
  /** The leader's commit index when the request arrived. */
  index: number;
  context: string;
  /** Who asked: the leader itself or a forwarding member. */
  from: NodeId;
  acks: Set<NodeId>;
}

/**
 * ReadIndex requests waiting for a heartbeat round to confirm leadership, in arrival order.
 * An acknowledgement for a request also confirms every request queued before it: the heartbeat
 * that carried it left after they were all registered.
 */
export class ReadOnly {
  private readonly byContext = new Map<string, ReadRequest>();
  private queue: ReadRequest[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** False when a request with this context is already waiting. */
  add(index: number, context: string, from: NodeId): boolean {
    if (this.byContext.has(context)) return false;
    const request: ReadRequest = { index, context, from, acks: new Set() };
    this.byContext.set(context, request);
    this.queue.push(request);
    return true;
  }

  /** Records an acknowledgement; returns who has acknowledged so far, if the request waits. */
  recvAck(from: NodeId, context: string): ReadonlySet<NodeId> | undefined {
    const request = this.byContext.get(context);
    if (!request) return undefined;
    request.acks.add(from);
    return request.acks;
  }

  /** Removes and returns every request up to and including the one with `context`. */
  advance(context: string): ReadRequest[] {
    const at = this.queue.findIndex((request) => request.context === context);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    for (const request of done) this.byContext.delete(request.context);
    return done;
  }

  lastContext(): string | undefined {
    return this.queue.at(-1)?.context;
  }

  reset(): void {
    this.byContext.clear();
    this.queue = [];
  }
}
