import type { ApiEndpoint } from '../../core/index.js';
import type { RaftKvConfig } from './config.js';
import { clusterIdFor, memberIdFor } from './member-id.js';
import type { Member } from './membership.js';
import type { MemberIdentity } from './raft-driver.js';

/** Finds the founding members through a discovery URL, given this member's name, id and peer URLs. */
export type FounderLookup = (url: string, self: { name: string; id: string; peerUrls: string[] }) => Promise<{ name: string; peerUrls: string[] }[]>;

/** Who this member is and who founded the cluster, from the plugin's settings. */
export function memberIdentity(config: RaftKvConfig, nodeName: string, api: ApiEndpoint, lookup?: FounderLookup): MemberIdentity {
  const name = config.name ?? nodeName;
  const ownPeerUrl = config.advertisePeerUrl ?? `http://${hostForUrl(config.peerAddress)}:${config.peerPort}`;
  const clientURLs = () => {
    const url = config.advertiseClientUrl ?? api.url;
    return url ? [url] : [];
  };
  if (config.discovery !== undefined) {
    // As etcd does, the discovery URL seeds the ids: one URL, one cluster.
    const seed = config.discovery;
    const memberId = memberIdFor([ownPeerUrl], seed);
    const discovery = config.discovery;
    return {
      memberId,
      clusterId: '',
      name,
      peerURLs: [ownPeerUrl],
      clientURLs,
      initialMembers: [],
      discoverFounders: async () => {
        if (!lookup) throw new Error('raft-kv: a discovery URL is set but no plugin discovers clusters: enable the discovery plugin');
        const founders = await lookup(discovery, { name, id: memberId, peerUrls: [ownPeerUrl] });
        return founders.map((founder) => ({ id: memberIdFor(founder.peerUrls, seed), name: founder.name, peerURLs: founder.peerUrls, clientURLs: [] }));
      },
    };
  }
  const founders = config.initialCluster ?? { [name]: ownPeerUrl };
  if (founders[name] === undefined) {
    throw new Error(`raft-kv: initialCluster has no member named "${name}" (it names ${Object.keys(founders).join(', ')})`);
  }
  if (founders[name] !== ownPeerUrl) {
    throw new Error(`raft-kv: initialCluster gives "${name}" the peer URL ${founders[name]}, but this member advertises ${ownPeerUrl}`);
  }
  const initialMembers: Member[] = Object.entries(founders).map(([memberName, url]) => ({
    id: memberIdFor([url], config.clusterToken),
    name: memberName,
    peerURLs: [url],
    clientURLs: [],
  }));
  const ids = initialMembers.map((member) => member.id);
  if (new Set(ids).size !== ids.length) throw new Error('raft-kv: two members of initialCluster share a peer URL');
  const joining = config.initialClusterState === 'existing';
  return {
    // A joining member learns its id and the cluster's from the cluster (see RaftDriver.join).
    memberId: joining ? '' : memberIdFor([ownPeerUrl], config.clusterToken),
    clusterId: joining ? '' : clusterIdFor(ids),
    name,
    peerURLs: [ownPeerUrl],
    ...(joining ? { joinVia: Object.entries(founders).filter(([memberName]) => memberName !== name).map(([, url]) => url) } : {}),
    clientURLs,
    initialMembers: joining ? [] : initialMembers,
  };
}

function hostForUrl(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
