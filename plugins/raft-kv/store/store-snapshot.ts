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

/**
 * The snapshot document (see SnapshotDocument) written piece by piece into buffers of about a
 * megabyte, so that a large store is never held as one giant string or array of records besides
 * itself.
 */
export function encodeSnapshot(index: number, root: StoreNode, history: EventHistory, counters: StoreCounters): Buffer[] {
  const out = new ChunkedText();
  const replicated: Partial<StoreCounters> = {};
  for (const name of REPLICATED_COUNTERS) replicated[name] = counters[name];
  out.add(`{"format":${JSON.stringify(FORMAT)},"index":${index},"counters":${JSON.stringify(replicated)},"nodes":[`);
  let first = true;
  const stack: Iterator<StoreNode>[] = [root.children!.values()];
  while (stack.length > 0) {
    const step = stack[stack.length - 1]!.next();
    if (step.done) {
      stack.pop();
      continue;
    }
    const node = step.value;
    const expireTime = node.expireTime === PERMANENT ? null : node.expireTime;
    const record: NodeRecord = [node.path, node.createdIndex, node.modifiedIndex, expireTime, node.children ? null : node.value];
    out.add(first ? JSON.stringify(record) : `,${JSON.stringify(record)}`);
    first = false;
    if (node.children) stack.push(node.children.values());
  }
  out.add('],"history":[');
  first = true;
  for (const entry of history.entries()) {
    out.add(`${first ? '' : ','}[${entry.refresh ? 1 : 0},${JSON.stringify(entry.result)}]`);
    first = false;
  }
  out.add(']}');
  return out.finish();
}

const CHUNK_CHARS = 1 << 20;

class ChunkedText {
  private readonly buffers: Buffer[] = [];
  private pending = '';

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  finish(): Buffer[] {
    this.flush();
    return this.buffers;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.buffers.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
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
