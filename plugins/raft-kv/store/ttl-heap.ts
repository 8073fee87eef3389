import type { StoreNode } from './store-node.js';

/**
 * The nodes with a TTL, earliest expiration first. Ties go by path so that the order depends on
 * the tree alone, not on the order of insertion (a restored replica expires in the same order).
 */
export class TtlHeap {
  private readonly items: StoreNode[] = [];

  top(): StoreNode | undefined {
    return this.items[0];
  }

  push(node: StoreNode): void {
    node.heapIndex = this.items.length;
    this.items.push(node);
    this.up(node.heapIndex);
  }

  remove(node: StoreNode): void {
    const i = node.heapIndex;
    if (i < 0 || this.items[i] !== node) return;
    const last = this.items.pop()!;
    node.heapIndex = -1;
    if (i === this.items.length) return;
    this.items[i] = last;
    last.heapIndex = i;
    if (!this.down(i)) this.up(i);
  }

  /** Re-positions a node whose expireTime changed. */
  update(node: StoreNode): void {
    const i = node.heapIndex;
    if (i < 0) return;
    if (!this.down(i)) this.up(i);
  }

  private less(a: StoreNode, b: StoreNode): boolean {
    return a.expireTime < b.expireTime || (a.expireTime === b.expireTime && a.path < b.path);
  }

  private place(node: StoreNode, i: number): void {
    this.items[i] = node;
    node.heapIndex = i;
  }

  private up(i: number): void {
    const node = this.items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = this.items[parent]!;
      if (!this.less(node, above)) break;
      this.place(above, i);
      i = parent;
    }
    this.place(node, i);
  }

  /** Returns whether the node moved. */
  private down(start: number): boolean {
    const items = this.items;
    const node = items[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.less(items[right]!, items[left]!) ? right : left;
      if (!this.less(items[child]!, node)) break;
      this.place(items[child]!, i);
      i = child;
    }
    this.place(node, i);
    return i !== start;
  }
}
