/** How a new cluster's founding members find each other (etcd's discovery protocol). */

export interface DiscoveringMember {
  name: string;
  /** The member's id in hex, as the cluster will know it (the registration key). */
  id: string;
  peerUrls: readonly string[];
}

export interface FoundingMember {
  name: string;
  peerUrls: string[];
}

export interface ClusterDiscovery {
  /**
   * Registers this member at the discovery URL and waits until the founding members are known:
   * exactly the first `size` registered. Rejects when the cluster is full or this member
   * registered before (a wiped data dir), with etcd's meaning.
   */
  discover(url: string, member: DiscoveringMember, signal: AbortSignal): Promise<FoundingMember[]>;
}
