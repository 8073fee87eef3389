const EMPTY = -1;
const MAX_POOL_WORDS = 1 << 27;

/** Raised when the visited set outgrows its memory budget. */
export class VisitedSetFull extends Error {}

/**
 * Visited configurations of the search: the completed ops linearized (a bitset, hashed
 * incrementally by the caller), the state, and the open ops linearized. A configuration is
 * covered by a visited one with the same completed ops and state and a subset of its open ops,
 * since a pending open op never blocks anything.
 *
 * Records live in one typed-array pool. Ops are numbered in call order, so a completed-ops
 * bitset is all ones up to a frontier and zero past a short window; only that window is stored.
 */
export class VisitedConfigs {
  private heads = new Int32Array(1 << 12).fill(EMPTY);
  private chain = new Int32Array(1 << 12);
  private hashLows = new Int32Array(1 << 12);
  private hashHighs = new Int32Array(1 << 12);
  private states = new Int32Array(1 << 12);
  private offsets = new Int32Array(1 << 12);
  private count = 0;
  private pool = new Uint32Array(1 << 16);
  private used = 0;

  constructor(private readonly openWords: number) {}

  /** Records the configuration; false when a visited one covers it. */
  add(done: Uint32Array, open: Uint32Array, hashLow: number, hashHigh: number, state: number): boolean {
    const mixedLow = hashLow ^ Math.imul(state + 1, 0x9e3779b1);
    let first = 0;
    while (first < done.length && done[first] === 0xffffffff) first++;
    let end = done.length;
    while (end > first && done[end - 1] === 0) end--;

    const { pool, openWords } = this;
    for (let entry = this.heads[mixedLow & (this.heads.length - 1)]!; entry !== EMPTY; entry = this.chain[entry]!) {
      if (this.hashLows[entry] !== mixedLow || this.hashHighs[entry] !== hashHigh || this.states[entry] !== state) continue;
      let at = this.offsets[entry]!;
      if (pool[at] !== first || pool[at + 1] !== end - first) continue;
      at += 2;
      let same = true;
      for (let i = first; i < end && same; i++) same = pool[at++] === done[i];
      for (let i = 0; i < openWords && same; i++) same = (pool[at++]! & ~open[i]!) === 0;
      if (same) return false;
    }

    if (this.count === this.heads.length) this.grow();
    const entry = this.count++;
    const bucket = mixedLow & (this.heads.length - 1);
    this.chain[entry] = this.heads[bucket]!;
    this.heads[bucket] = entry;
    this.hashLows[entry] = mixedLow;
    this.hashHighs[entry] = hashHigh;
    this.states[entry] = state;
    this.offsets[entry] = this.used;
    this.reserve(this.used + 2 + (end - first) + openWords);
    const target = this.pool;
    target[this.used++] = first;
    target[this.used++] = end - first;
    for (let i = first; i < end; i++) target[this.used++] = done[i]!;
    for (let i = 0; i < openWords; i++) target[this.used++] = open[i]!;
    return true;
  }

  private reserve(words: number): void {
    if (words <= this.pool.length) return;
    if (words > MAX_POOL_WORDS) throw new VisitedSetFull(`more than ${this.count} configurations visited`);
    const grown = new Uint32Array(Math.min(MAX_POOL_WORDS, Math.max(words, 2 * this.pool.length)));
    grown.set(this.pool);
    this.pool = grown;
  }

  private grow(): void {
    const size = 2 * this.heads.length;
    const widen = (array: Int32Array) => {
      const grown = new Int32Array(size);
      grown.set(array);
      return grown;
    };
    this.chain = widen(this.chain);
    this.hashLows = widen(this.hashLows);
    this.hashHighs = widen(this.hashHighs);
    this.states = widen(this.states);
    this.offsets = widen(this.offsets);
    this.heads = new Int32Array(size).fill(EMPTY);
    for (let entry = 0; entry < this.count; entry++) {
      const bucket = this.hashLows[entry]! & (size - 1);
      this.chain[entry] = this.heads[bucket]!;
      this.heads[bucket] = entry;
    }
  }
}
