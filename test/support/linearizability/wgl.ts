import { VisitedConfigs, VisitedSetFull } from './visited.js';

/** Returned by `step` when an op cannot be applied to a state. */
export const ILLEGAL = -1;

/**
 * One partition of a history, reduced to numbers: ops 0..size-1 with their call and return
 * times, and a deterministic model over integer states.
 */
export interface SearchProblem {
  readonly size: number;
  readonly initialState: number;
  readonly calls: ArrayLike<number>;
  /** Infinity for an op that may take effect any time after its call, or never. */
  readonly returns: ArrayLike<number>;
  step(op: number, state: number): number;
  /** True when the op never changes the state (a read, a cas known to have failed). */
  readOnly(op: number): boolean;
  /** Open ops with equal classes have the same effect on every state. */
  symmetryClass(op: number): number;
}

export type SearchOutcome =
  | { kind: 'linearizable'; order: number[] }
  | { kind: 'violation'; longest: number[] }
  | { kind: 'timeout' }
  | { kind: 'too-large'; visited: string };

// List nodes: 0 is the head, op i has call node 2i+1 and return node 2i+2.
const HEAD = 0;
const END = -1;
const callNode = (op: number) => 2 * op + 1;
const returnNode = (op: number) => 2 * op + 2;
const opOf = (node: number) => (node - 1) >> 1;
const isCall = (node: number) => node > 0 && (node & 1) === 1;

/**
 * Call and return nodes in time order. At equal times calls come first, so ops that touch at
 * an instant count as concurrent rather than ordered. Open ops have no return node.
 */
export function eventOrder(problem: SearchProblem): number[] {
  const nodes: number[] = [];
  for (let op = 0; op < problem.size; op++) {
    nodes.push(callNode(op));
    if (problem.returns[op] !== Number.POSITIVE_INFINITY) nodes.push(returnNode(op));
  }
  const time = (node: number) => (isCall(node) ? problem.calls[opOf(node)]! : problem.returns[opOf(node)]!);
  return nodes.sort((a, b) => time(a) - time(b) || Number(!isCall(a)) - Number(!isCall(b)) || a - b);
}

export { isCall, opOf };

/** Fixed-seed 32-bit random words for Zobrist hashing of the linearized set. */
function zobristWords(count: number, seed: number): Int32Array {
  const words = new Int32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    words[i] = t ^ (t >>> 14);
  }
  return words;
}

const CLOCK_CHECK_INTERVAL = 1024;

/**
 * Wing & Gong's search with Lowe's memoization. Ops whose call precedes the earliest pending
 * return are the candidates to go next; when none leads anywhere, the latest choice is undone.
 * A configuration (ops linearized, state) is explored at most once. Refinements, none of which
 * loses a linearization:
 * - a read-only op that fits the current state goes next without branching: if any
 *   linearization exists, so does one with that op moved to the front;
 * - completed candidates are tried earliest return first, open ones after them;
 * - an open op is never linearized where it would change nothing (leaving it out is as good),
 *   and of open ops with the same effect only the earliest called pending one is tried.
 */
class Search {
  private readonly open: Uint8Array;
  private readonly readOnly: Uint8Array;
  private readonly rank: Int32Array;
  private readonly returns: ArrayLike<number>;
  /** Time-ordered call and return nodes of completed ops. */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Open ops in call order; index `size` is the head. */
  private readonly openNext: Int32Array;
  private readonly openPrev: Int32Array;
  private readonly openHead: number;
  /** Per open op: its symmetry class and its position among that class's ops in call order. */
  private readonly openClass: Int32Array;
  private readonly classPosition: Int32Array;
  /** Per class: how many of its ops are linearized (always the earliest called ones). */
  private readonly classTaken: Int32Array;

  /** Linearized ops: completed ones by op index, open ones by their position in call order. */
  private readonly done: Uint32Array;
  private readonly openDone: Uint32Array;
  private readonly openIndex: Int32Array;
  private readonly low: Int32Array;
  private readonly high: Int32Array;
  private hashLow = 0;
  private hashHigh = 0;
  private readonly visited: VisitedConfigs;

  private readonly stackOps: Int32Array;
  private readonly stackStates: Int32Array;
  /** Candidates of the configuration at each depth: candidates[frameCursor[d] .. frameEnd[d]) are still untried. */
  private candidates: Int32Array;
  private readonly frameCursor: Int32Array;
  private readonly frameEnd: Int32Array;
  private depth = 0;
  private state: number;
  private remaining = 0;
  private readonly longest: number[] = [];
  /** Stack entries below this index still match `longest`. */
  private divergedAt = 0;

  constructor(private readonly problem: SearchProblem) {
    const n = problem.size;
    this.returns = problem.returns;
    this.open = new Uint8Array(n);
    this.readOnly = new Uint8Array(n);
    for (let op = 0; op < n; op++) {
      if (problem.returns[op] === Number.POSITIVE_INFINITY) this.open[op] = 1;
      else this.remaining++;
      if (problem.readOnly(op)) this.readOnly[op] = 1;
    }

    this.rank = new Int32Array(2 * n + 1);
    this.next = new Int32Array(2 * n + 1).fill(END);
    this.prev = new Int32Array(2 * n + 1).fill(END);
    this.openHead = n;
    this.openNext = new Int32Array(n + 1).fill(END);
    this.openPrev = new Int32Array(n + 1).fill(END);
    const openInCallOrder: number[] = [];
    let tail = HEAD;
    eventOrder(problem).forEach((node, i) => {
      this.rank[node] = i;
      const op = opOf(node);
      if (this.open[op]) {
        this.openNext[openInCallOrder.at(-1) ?? this.openHead] = op;
        this.openPrev[op] = openInCallOrder.at(-1) ?? this.openHead;
        openInCallOrder.push(op);
      } else {
        this.next[tail] = node;
        this.prev[node] = tail;
        tail = node;
      }
    });

    this.openClass = new Int32Array(n);
    this.classPosition = new Int32Array(n);
    this.openIndex = new Int32Array(n);
    const classes = new Map<number, number>();
    const classSizes: number[] = [];
    openInCallOrder.forEach((op, i) => {
      const key = problem.symmetryClass(op);
      let dense = classes.get(key);
      if (dense === undefined) {
        classes.set(key, (dense = classes.size));
        classSizes.push(0);
      }
      this.openClass[op] = dense;
      this.classPosition[op] = classSizes[dense]!++;
      this.openIndex[op] = i;
    });
    this.classTaken = new Int32Array(classes.size);

    this.done = new Uint32Array((n + 31) >>> 5);
    this.openDone = new Uint32Array((openInCallOrder.length + 31) >>> 5);
    this.visited = new VisitedConfigs(this.openDone.length);
    this.low = zobristWords(n, 0x5eed1);
    this.high = zobristWords(n, 0x5eed2);
    this.stackOps = new Int32Array(n);
    this.stackStates = new Int32Array(n);
    this.candidates = new Int32Array(Math.max(64, 4 * n));
    this.frameCursor = new Int32Array(n + 1);
    this.frameEnd = new Int32Array(n + 1);
    this.state = problem.initialState;
  }

  run(deadline: number, now: () => number): SearchOutcome {
    try {
      return this.search(deadline, now);
    } catch (error) {
      if (error instanceof VisitedSetFull) return { kind: 'too-large', visited: error.message };
      throw error;
    }
  }

  private search(deadline: number, now: () => number): SearchOutcome {
    this.enter();
    for (let steps = 1; ; steps++) {
      if (steps % CLOCK_CHECK_INTERVAL === 0 && now() > deadline) return { kind: 'timeout' };
      if (this.remaining === 0) return { kind: 'linearizable', order: Array.from(this.stackOps.subarray(0, this.depth)) };
      const frame = this.depth;
      if (this.frameCursor[frame]! < this.frameEnd[frame]!) {
        const op = this.candidates[this.frameCursor[frame]!++]!;
        const after = this.problem.step(op, this.state);
        if (after === ILLEGAL || (after === this.state && this.open[op])) continue;
        if (this.push(op, after)) this.enter();
      } else {
        if (frame === 0) return { kind: 'violation', longest: this.longest };
        this.pop();
      }
    }
  }

  /**
   * Lists the candidates of the configuration just reached. A fitting read-only op is
   * linearized at once, leaving this configuration nothing else to try.
   */
  private enter(): void {
    const { next, readOnly, problem } = this;
    while (this.remaining > 0) {
      const frame = this.depth;
      const start = frame === 0 ? 0 : this.frameEnd[frame - 1]!;
      this.frameCursor[frame] = this.frameEnd[frame] = start;

      let node = next[HEAD]!;
      let forced = -1;
      let count = 0;
      for (; isCall(node); node = next[node]!) {
        const op = opOf(node);
        if (!readOnly[op]) {
          this.reserve(start + count + 1);
          this.candidates[start + count++] = op;
        } else if (problem.step(op, this.state) !== ILLEGAL) {
          forced = op;
          break;
        }
      }
      if (forced !== -1) {
        if (this.push(forced, this.state)) continue;
        return;
      }
      this.sortByReturn(start, start + count);

      const limit = this.rank[node]!;
      for (let op = this.openNext[this.openHead]!; op !== END && this.rank[callNode(op)]! < limit; op = this.openNext[op]!) {
        if (this.classPosition[op] !== this.classTaken[this.openClass[op]!]) continue;
        this.reserve(start + count + 1);
        this.candidates[start + count++] = op;
      }
      this.frameEnd[frame] = start + count;
      return;
    }
  }

  private sortByReturn(from: number, to: number): void {
    const { candidates, returns } = this;
    for (let i = from + 1; i < to; i++) {
      const op = candidates[i]!;
      let j = i - 1;
      while (j >= from && returns[candidates[j]!]! > returns[op]!) {
        candidates[j + 1] = candidates[j]!;
        j--;
      }
      candidates[j + 1] = op;
    }
  }

  private reserve(size: number): void {
    if (size <= this.candidates.length) return;
    const grown = new Int32Array(2 * size);
    grown.set(this.candidates);
    this.candidates = grown;
  }

  /** Linearizes `op` next, leading to `after`; false when a visited configuration covers the result. */
  private push(op: number, after: number): boolean {
    this.toggle(op);
    if (!this.visited.add(this.done, this.openDone, this.hashLow, this.hashHigh, after)) {
      this.toggle(op);
      return false;
    }
    const { depth } = this;
    this.stackOps[depth] = op;
    this.stackStates[depth] = this.state;
    this.depth = depth + 1;
    this.state = after;
    if (this.open[op]) {
      unlink(this.openNext, this.openPrev, op);
      this.classTaken[this.openClass[op]!]!++;
    } else {
      unlink(this.next, this.prev, callNode(op));
      unlink(this.next, this.prev, returnNode(op));
      this.remaining--;
    }
    if (this.depth > this.longest.length) {
      for (let i = this.divergedAt; i < this.depth; i++) this.longest[i] = this.stackOps[i]!;
      this.divergedAt = this.depth;
    }
    return true;
  }

  private pop(): void {
    const depth = --this.depth;
    if (depth < this.divergedAt) this.divergedAt = depth;
    const op = this.stackOps[depth]!;
    this.state = this.stackStates[depth]!;
    this.toggle(op);
    if (this.open[op]) {
      relink(this.openNext, this.openPrev, op);
      this.classTaken[this.openClass[op]!]!--;
    } else {
      relink(this.next, this.prev, returnNode(op));
      relink(this.next, this.prev, callNode(op));
      this.remaining++;
    }
  }

  private toggle(op: number): void {
    if (this.open[op]) {
      const i = this.openIndex[op]!;
      this.openDone[i >>> 5]! ^= 1 << (i & 31);
    } else {
      this.done[op >>> 5]! ^= 1 << (op & 31);
      this.hashLow ^= this.low[op]!;
      this.hashHigh ^= this.high[op]!;
    }
  }
}

function unlink(next: Int32Array, prev: Int32Array, node: number): void {
  next[prev[node]!] = next[node]!;
  if (next[node] !== END) prev[next[node]!] = prev[node]!;
}

function relink(next: Int32Array, prev: Int32Array, node: number): void {
  next[prev[node]!] = node;
  if (next[node] !== END) prev[next[node]!] = node;
}

export function searchLinearization(problem: SearchProblem, deadline: number, now: () => number): SearchOutcome {
  return new Search(problem).run(deadline, now);
}
