import type { ConfChange, ConfState, NodeId } from './types.js';

/** The current voters and learners; a node is never both. */
export class Membership {
  readonly voters: Set<NodeId>;
  readonly learners: Set<NodeId>;

  constructor(conf: ConfState) {
    this.voters = new Set(conf.voters);
    this.learners = new Set(conf.learners.filter((id) => !this.voters.has(id)));
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  isLearner(id: NodeId): boolean {
    return this.learners.has(id);
  }

  isMember(id: NodeId): boolean {
    return this.voters.has(id) || this.learners.has(id);
  }

  members(): NodeId[] {
    return [...this.voters, ...this.learners];
  }

  /** `addLearner` on a voter changes nothing (there is no demotion). */
  apply(change: ConfChange): void {
    switch (change.type) {
      case 'addNode':
        this.learners.delete(change.node);
        this.voters.add(change.node);
        break;
      case 'addLearner':
        if (!this.voters.has(change.node)) this.learners.add(change.node);
        break;
      case 'removeNode':
        this.voters.delete(change.node);
        this.learners.delete(change.node);
        break;
    }
  }

  toConfState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }
}

/** The configuration in effect after each applied conf entry, to stamp snapshots with. */
export class ConfHistory {
  private records: { index: number; conf: ConfState }[] = [];

  constructor(index: number, conf: ConfState) {
    this.records.push({ index, conf });
  }

  record(index: number, conf: ConfState): void {
    while (this.records.length > 0 && this.records[this.records.length - 1]!.index >= index) this.records.pop();
    this.records.push({ index, conf });
  }

  /** The configuration after applying everything up to `index`. */
  at(index: number): ConfState {
    for (let i = this.records.length - 1; i >= 0; i--) {
      if (this.records[i]!.index <= index) return this.records[i]!.conf;
    }
    return this.records[0]!.conf;
  }

  /** Forgets records no snapshot at or after `index` can need. */
  trim(index: number): void {
    let keepFrom = 0;
    for (let i = 0; i < this.records.length; i++) if (this.records[i]!.index <= index) keepFrom = i;
    if (keepFrom > 0) this.records = this.records.slice(keepFrom);
  }
}

export function encodeConfChange(change: ConfChange): string {
  return JSON.stringify(change.context === undefined ? { type: change.type, node: change.node } : { type: change.type, node: change.node, context: change.context });
}

export function decodeConfChange(data: string): ConfChange {
  return JSON.parse(data) as ConfChange;
}
