import type { StoreCommand } from './store/commands.js';
import type { NodeId } from './raft/types.js';

/** A member announcing the name and client URLs it serves under (etcd's attribute publish). */
export interface PublishCommand {
  op: 'publish';
  member: NodeId;
  name: string;
  clientURLs: string[];
}

/** A member's new peer URLs (etcd's member update). */
export interface UpdatePeerUrlsCommand {
  op: 'updatePeerUrls';
  member: NodeId;
  peerURLs: string[];
}

export type ClusterCommand = StoreCommand | PublishCommand | UpdatePeerUrlsCommand;

/** A normal log entry's data: the command, and the proposer's request id when it awaits the result. */
export interface LogCommand {
  /** Request id, unique across every member and restart. */
  r?: string;
  c: ClusterCommand;
}

export function encodeLogCommand(command: LogCommand): string {
  return JSON.stringify(command);
}

export function decodeLogCommand(data: string): LogCommand {
  return JSON.parse(data) as LogCommand;
}
