import type { LogCommand } from './log-command.js';
import { Membership, type MemberAttributes } from './membership.js';
import type { ConfChange } from './raft/types.js';
import { V2Store, type ApplyOutcome, type V2StoreOptions } from './store/v2-store.js';

/**
 * What the replicated log drives: the etcd-v2 store and the member list. Applying is
 * deterministic, so every member that applies the same entries holds the same state.
 */
export class KvStateMachine {
  readonly store: V2Store;
  members: Membership;

  constructor(storeOptions: V2StoreOptions, initialMembers: Membership) {
    this.store = new V2Store(storeOptions);
    this.members = initialMembers;
  }

  /** Applies one normal entry's command; the outcome is for the member that proposed it. */
  applyCommand(command: LogCommand): ApplyOutcome | undefined {
    const c = command.c;
    if (c.op === 'publish') {
      this.members.publish(c.member, { name: c.name, clientURLs: c.clientURLs });
      return undefined;
    }
    if (c.op === 'updatePeerUrls') {
      this.members.updatePeerUrls(c.member, c.peerURLs);
      return undefined;
    }
    return this.store.apply(c);
  }

  applyConfChange(change: ConfChange): void {
    const attributes = change.context ? (JSON.parse(change.context) as Partial<MemberAttributes>) : {};
    switch (change.type) {
      case 'addNode':
        if (this.members.get(change.node)?.isLearner) this.members.promote(change.node);
        else this.members.add(change.node, attributes.peerURLs ?? [], { name: attributes.name });
        break;
      case 'addLearner':
        this.members.add(change.node, attributes.peerURLs ?? [], { name: attributes.name, learner: true });
        break;
      case 'removeNode':
        this.members.remove(change.node);
        break;
    }
  }

  /** `[4-byte length][members JSON][store snapshot]`, assembled with one copy. */
  snapshot(): Uint8Array {
    const members = Buffer.from(JSON.stringify(this.members.toJSON()));
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(members.length, 0);
    return Buffer.concat([length, members, ...this.store.snapshotChunks()]);
  }

  restore(data: Uint8Array): void {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const length = buffer.readUInt32BE(0);
    this.members = Membership.fromJSON(JSON.parse(buffer.subarray(4, 4 + length).toString('utf8')));
    this.store.restore(buffer.subarray(4 + length));
  }
}
