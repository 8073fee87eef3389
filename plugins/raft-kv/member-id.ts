import { createHash } from 'node:crypto';
import type { NodeId } from './raft/types.js';

/**
 * A member's id as etcd derives it: the first 8 bytes of SHA-1 over its sorted peer URLs and the
 * cluster token, printed as 16 hex digits. Same URLs and token, same id; a new token, new ids.
 */
export function memberIdFor(peerUrls: readonly string[], clusterToken: string): NodeId {
  const hash = createHash('sha1').update([...peerUrls].sort().join('')).update(clusterToken).digest();
  return hash.subarray(0, 8).toString('hex');
}

/** The cluster's id: the first 8 bytes of SHA-1 over the founding members' ids, sorted. */
export function clusterIdFor(memberIds: readonly NodeId[]): string {
  const hash = createHash('sha1');
  for (const id of [...memberIds].sort()) hash.update(Buffer.from(id, 'hex'));
  return hash.digest().subarray(0, 8).toString('hex');
}

/** etcd prints ids without leading zeros in headers (`X-Etcd-Cluster-Id`). */
export function trimHexId(id: string): string {
  return id.replace(/^0+(?=.)/, '');
}
