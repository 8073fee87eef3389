import { KvErrorCode } from '../../../core/index.js';
import { PERMANENT } from './expiry.js';
import { ROOT_PATH } from './key-path.js';
import { StoreNode } from './store-node.js';
import { TtlHeap } from './ttl-heap.js';

/** Where a walk down the tree stopped: an error code and its cause. */
export interface Miss {
  code: number;
  cause: string;
}

/** The nodes, their count and their expiry schedule, kept in step. */
export class StoreTree {
  private readonly heap = new TtlHeap();
  private count = 0;

  constructor(readonly root: StoreNode = StoreNode.dir(ROOT_PATH, '', null, 0, PERMANENT)) {}

  /** A tree around restored nodes; `ttlNodes` are those with an expiration. */
  static restored(root: StoreNode, size: number, ttlNodes: readonly StoreNode[]): StoreTree {
    const tree = new StoreTree(root);
    tree.count = size;
    for (const node of ttlNodes) tree.heap.push(node);
    return tree;
  }

  /** Files and directories, the root excluded. */
  get size(): number {
    return this.count;
  }

  nextExpiry(): number | undefined {
    return this.heap.top()?.expireTime;
  }

  /** Takes the earliest-expiring node off the schedule when it expires at or before `time`. */
  takeExpired(time: number): StoreNode | undefined {
    const node = this.heap.top();
    if (node === undefined || node.expireTime > time) return undefined;
    this.heap.remove(node);
    return node;
  }

  /** The node at a normalized path, or why there is none (100, or 104 through a file). */
  walk(path: string): StoreNode | Miss {
    let node = this.root;
    for (let start = 1; start < path.length; ) {
      if (node.children === null) return { code: KvErrorCode.NotDir, cause: node.path };
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      const child = node.children.get(path.slice(start, end));
      if (child === undefined) return { code: KvErrorCode.KeyNotFound, cause: path.slice(0, end) };
      node = child;
      start = end + 1;
    }
    return node;
  }

  /** The directory at `path`, creating missing ones with `index`; a file on the way is a 104. */
  ensureDir(path: string, index: number): StoreNode | Miss {
    let node = this.root;
    for (let start = 1; start < path.length; ) {
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      const name = path.slice(start, end);
      let child = node.children!.get(name);
      if (child === undefined) {
        child = StoreNode.dir(path.slice(0, end), name, node, index, PERMANENT);
        node.children!.set(name, child);
        this.count++;
      } else if (child.children === null) {
        return { code: KvErrorCode.NotDir, cause: child.path };
      }
      node = child;
      start = end + 1;
    }
    return node;
  }

  /** Adds a node to its parent, in place of `replaced` (a file of the same name) if given. */
  insert(node: StoreNode, replaced?: StoreNode): void {
    if (replaced) {
      replaced.parent = null;
      if (replaced.heapIndex >= 0) this.heap.remove(replaced);
    } else {
      this.count++;
    }
    node.parent!.children!.set(node.name, node);
    if (node.expireTime !== PERMANENT) this.heap.push(node);
  }

  /** Detaches a node and its subtree; returns every removed node, the node itself first. */
  remove(node: StoreNode): StoreNode[] {
    node.parent!.children!.delete(node.name);
    node.parent = null;
    const removed: StoreNode[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      removed.push(current);
      if (current.heapIndex >= 0) this.heap.remove(current);
      if (current.children) for (const child of current.children.values()) stack.push(child);
    }
    this.count -= removed.length;
    return removed;
  }

  setExpireTime(node: StoreNode, expireTime: number): void {
    const before = node.expireTime;
    node.expireTime = expireTime;
    if (before === PERMANENT) {
      if (expireTime !== PERMANENT) this.heap.push(node);
    } else if (expireTime === PERMANENT) {
      this.heap.remove(node);
    } else {
      this.heap.update(node);
    }
  }
}
