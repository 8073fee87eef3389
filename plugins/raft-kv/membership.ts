import type { NodeId } from './raft/types.js';

export interface Member {
  id: NodeId;
  /** Empty until the member has started and published its attributes. */
  name: string;
  peerURLs: string[];
  /** Empty until the member has started and published its attributes. */
  clientURLs: string[];
  isLearner?: boolean;
}

/** What a conf change carries in its context, and what a member publishes once it runs. */
export interface MemberAttributes {
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

/**
 * The cluster's members as the replicated log describes them: changed only by applied entries,
 * so every member holds the same list. Removed ids are remembered: an id is never reused.
 */
export class Membership {
  private readonly members = new Map<NodeId, Member>();
  private readonly removed = new Set<NodeId>();

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => a.id.localeCompare(b.id)).map((m) => ({ ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] }));
  }

  get(id: NodeId): Member | undefined {
    return this.members.get(id);
  }

  isRemoved(id: NodeId): boolean {
    return this.removed.has(id);
  }

  add(id: NodeId, peerURLs: string[], options: { name?: string; learner?: boolean } = {}): void {
    const existing = this.members.get(id);
    this.members.set(id, {
      id,
      name: options.name ?? existing?.name ?? '',
      peerURLs,
      clientURLs: existing?.clientURLs ?? [],
      ...(options.learner ? { isLearner: true } : {}),
    });
  }

  promote(id: NodeId): void {
    const member = this.members.get(id);
    if (member) delete member.isLearner;
  }

  remove(id: NodeId): void {
    this.members.delete(id);
    this.removed.add(id);
  }

  publish(id: NodeId, attributes: Pick<MemberAttributes, 'name' | 'clientURLs'>): void {
    const member = this.members.get(id);
    if (!member) return;
    member.name = attributes.name;
    member.clientURLs = [...attributes.clientURLs];
  }

  updatePeerUrls(id: NodeId, peerURLs: string[]): void {
    const member = this.members.get(id);
    if (member) member.peerURLs = [...peerURLs];
  }

  toJSON(): { members: Member[]; removed: NodeId[] } {
    return { members: this.list(), removed: [...this.removed].sort() };
  }

  static fromJSON(data: { members: Member[]; removed: NodeId[] }): Membership {
    const membership = new Membership();
    for (const member of data.members) membership.members.set(member.id, { ...member });
    for (const id of data.removed) membership.removed.add(id);
    return membership;
  }
}
