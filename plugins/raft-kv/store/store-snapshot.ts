import type { KvResult } from '../../../core/index.js';
import type { EventHistory, HistoryEntry } from './event-history.js';
import { PERMANENT } from './expiry.js';
import { ROOT_PATH, lastSegment } from './key-path.js';
import { REPLICATED_COUNTERS, type StoreCounters } from './store-stats.js';
import { StoreNode } from './store-node.js';

const FORMAT = 'flotilla-v2-store/1';

/** [path, createdIndex, modifiedIndex, expireTime or null, value or null for a directory] */
type NodeRecord = [string, number, number, number | null, string | null];

interface SnapshotDocument {
  format: typeof FORMAT;
  index: number;
  counters: Partial<StoreCounters>;
  /** Every node but the root, parents before children, children in insertion order. */
  nodes: NodeRecord[];
  /** Oldest first: [1 for a refresh else 0, event]. */
  history: [0 | 1, KvResult][];
}

export interface RestoredState {
  index: number;
  root: StoreNode;
  keys: number;
  ttlNodes: StoreNode[];
  history: HistoryEntry[];
  counters: Partial<StoreCounters>;
}

export function encodeSnapshot(index: number, root: StoreNode, history: EventHistory, counters: StoreCounters): Uint8Array {
  const nodes: NodeRecord[] = [];
  const stack: Iterator<StoreNode>[] = [root.children!.values()];
  while (stack.length > 0) {
    const step = stack[stack.length - 1]!.next();
    if (step.done) {
      stack.pop();
      continue;
    }
    const node = step.value;
    const expireTime = node.expireTime === PERMANENT ? null : node.expireTime;
    nodes.push([node.path, node.createdIndex, node.modifiedIndex, expireTime, node.children ? null : node.value]);
    if (node.children) stack.push(node.children.values());
  }
  const replicated: Partial<StoreCounters> = {};
  for (const name of REPLICATED_COUNTERS) replicated[name] = counters[name];
  const document: SnapshotDocument = {
    format: FORMAT,
    index,
    counters: replicated,
    nodes,
    history: history.entries().map((entry) => [entry.refresh ? 1 : 0, entry.result]),
  };
  return Buffer.from(JSON.stringify(document), 'utf8');
}

export function decodeSnapshot(data: Uint8Array): RestoredState {
  const document = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as SnapshotDocument;
  if (document?.format !== FORMAT || !Array.isArray(document.nodes) || !Array.isArray(document.history)) {
    throw new Error('not a v2 store snapshot');
  }
  const root = StoreNode.dir(ROOT_PATH, '', null, 0, PERMANENT);
  const dirs = new Map<string, StoreNode>([[ROOT_PATH, root]]);
  const ttlNodes: StoreNode[] = [];
  for (const [path, createdIndex, modifiedIndex, expireTime, value] of document.nodes) {
    const cut = path.lastIndexOf('/');
    const parent = dirs.get(cut === 0 ? ROOT_PATH : path.slice(0, cut));
    if (!parent) throw new Error(`v2 store snapshot: ${path} comes before its directory`);
    const name = lastSegment(path);
    const expiry = expireTime ?? PERMANENT;
    const node =
      value === null
        ? StoreNode.dir(path, name, parent, createdIndex, expiry)
        : StoreNode.file(path, name, parent, value, createdIndex, expiry);
    node.modifiedIndex = modifiedIndex;
    parent.children!.set(name, node);
    if (value === null) dirs.set(path, node);
    if (expiry !== PERMANENT) ttlNodes.push(node);
  }
  return {
    index: document.index,
    root,
    keys: document.nodes.length,
    ttlNodes,
    history: document.history.map(([refresh, result]) => ({ result, refresh: refresh === 1 })),
    counters: document.counters ?? {},
  };
}
