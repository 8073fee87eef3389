import type { KvNode } from '../../../core/index.js';
import { PERMANENT, formatExpiration, remainingSeconds } from './expiry.js';
import { compareKeys, isHiddenName } from './key-path.js';

/** One file or directory of the tree. A directory has `children`; a file has a `value`. */
export class StoreNode {
  value = '';
  /** Position in the TTL heap, -1 when the node is not in it. */
  heapIndex = -1;

  constructor(
    readonly path: string,
    readonly name: string,
    public parent: StoreNode | null,
    readonly children: Map<string, StoreNode> | null,
    readonly createdIndex: number,
    public modifiedIndex: number,
    public expireTime: number = PERMANENT,
  ) {}

  static file(path: string, name: string, parent: StoreNode, value: string, index: number, expireTime: number): StoreNode {
    const node = new StoreNode(path, name, parent, null, index, index, expireTime);
    node.value = value;
    return node;
  }

  static dir(path: string, name: string, parent: StoreNode | null, index: number, expireTime: number): StoreNode {
    return new StoreNode(path, name, parent, new Map(), index, index, expireTime);
  }

  get isDir(): boolean {
    return this.children !== null;
  }

  get isHidden(): boolean {
    return isHiddenName(this.name);
  }
}

function addExpiry(out: KvNode, node: StoreNode, now: number): void {
  if (node.expireTime === PERMANENT) return;
  out.expiration = formatExpiration(node.expireTime);
  const ttl = remainingSeconds(node.expireTime, now);
  if (ttl !== 0) out.ttl = ttl;
}

function byKey(a: KvNode, b: KvNode): number {
  return compareKeys(a.key, b.key);
}

function listChildren(dir: StoreNode, now: number, recursive: boolean, sorted: boolean): KvNode[] | undefined {
  let nodes: KvNode[] | undefined;
  for (const child of dir.children!.values()) {
    if (child.isHidden) continue;
    (nodes ??= []).push(describeNode(child, now, recursive, sorted));
  }
  if (nodes && sorted) nodes.sort(byKey);
  return nodes;
}

/**
 * The external form of a node, fields in etcd's order. A directory lists its (visible)
 * children only when `recursive`.
 */
export function describeNode(node: StoreNode, now: number, recursive = false, sorted = false): KvNode {
  const { path: key, modifiedIndex, createdIndex, expireTime } = node;
  if (node.children === null) {
    const value = node.value;
    if (expireTime === PERMANENT) return { key, value, modifiedIndex, createdIndex };
    const expiration = formatExpiration(expireTime);
    const ttl = remainingSeconds(expireTime, now);
    return ttl === 0 ? { key, value, expiration, modifiedIndex, createdIndex } : { key, value, expiration, ttl, modifiedIndex, createdIndex };
  }
  if (!recursive && expireTime === PERMANENT) return { key, dir: true, modifiedIndex, createdIndex };
  const out = { key, dir: true } as KvNode;
  addExpiry(out, node, now);
  if (recursive) {
    const nodes = listChildren(node, now, true, sorted);
    if (nodes) out.nodes = nodes;
  }
  out.modifiedIndex = modifiedIndex;
  out.createdIndex = createdIndex;
  return out;
}

/** What a GET returns: a directory always lists its direct children, and its subtree when `recursive`. */
export function describeForGet(node: StoreNode, now: number, recursive: boolean, sorted: boolean): KvNode {
  const out = { key: node.parent === null ? '' : node.path } as KvNode;
  if (node.children === null) out.value = node.value;
  else out.dir = true;
  addExpiry(out, node, now);
  if (node.children !== null) {
    const nodes = listChildren(node, now, recursive, sorted);
    if (nodes) out.nodes = nodes;
  }
  out.modifiedIndex = node.modifiedIndex;
  out.createdIndex = node.createdIndex;
  return out;
}

/** The node of a delete, compareAndDelete or expire event: no value, the new modifiedIndex. */
export function describeRemoval(node: StoreNode, index: number): KvNode {
  return node.children === null
    ? { key: node.path, modifiedIndex: index, createdIndex: node.createdIndex }
    : { key: node.path, dir: true, modifiedIndex: index, createdIndex: node.createdIndex };
}
