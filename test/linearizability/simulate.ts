import type { HistoryOp, OpHandle, OpKind, OpResult } from '../support/linearizability/index.js';
import { HistoryRecorder } from '../support/linearizability/index.js';

import { seededRandom } from '../support/seeded-random.js';

export interface SimulationOptions {
  seed: number;
  /** Ops to invoke in total. */
  ops: number;
  /** Clients with an op in flight at once. */
  concurrency: number;
  /** The first key gets `hotShare` of the ops, the rest share the remainder. */
  keys: readonly string[];
  hotShare?: number;
  /** Chance that an op's response is lost (it applies or not, 50/50). */
  lostShare?: number;
  /** Chance that an op is refused before it applies. */
  refusedShare?: number;
}

interface Slot {
  client: number;
  at: number;
  phase: 'idle' | 'apply' | 'respond';
  key: string;
  kind: OpKind;
  value: string | null;
  expected: string | null;
  outcome: 'ok' | 'refused' | 'lost';
  result: OpResult;
  handle?: OpHandle;
  seen: Map<string, string | null>;
}

/**
 * Runs clients against one in-memory register per key: each op takes effect atomically at a
 * random instant between its invocation and its response, so the recorded history is
 * linearizable by construction. Every write and cas sets a value no other op sets.
 */
export function simulateRegisterHistory(options: SimulationOptions): HistoryOp[] {
  const random = seededRandom(options.seed);
  const { keys, concurrency } = options;
  const hotShare = options.hotShare ?? 0.6;
  const lostShare = options.lostShare ?? 0.02;
  const refusedShare = options.refusedShare ?? 0.02;
  let now = 0;
  const recorder = new HistoryRecorder({ now: () => now });
  const registers = new Map<string, string | null>();
  let issued = 0;
  let counter = 0;

  const latency = () => random() * random() * 10 * (random() < 0.05 ? 20 : 1);
  const pickKey = () => (keys.length === 1 || random() < hotShare ? keys[0]! : keys[1 + Math.floor(random() * (keys.length - 1))]!);

  const slots: Slot[] = Array.from({ length: concurrency }, () => ({
    client: recorder.freshClient(),
    at: random() * 5,
    phase: 'idle' as const,
    key: '',
    kind: 'read' as const,
    value: null,
    expected: null,
    outcome: 'ok' as const,
    result: {},
    seen: new Map(),
  }));

  const begin = (slot: Slot) => {
    slot.key = pickKey();
    const roll = random();
    slot.kind = roll < 0.5 ? 'read' : roll < 0.8 ? 'write' : 'cas';
    slot.value = slot.kind === 'write' && random() < 0.05 ? null : `v${counter++}`;
    slot.expected = random() < 0.8 ? (slot.seen.get(slot.key) ?? null) : `v${Math.floor(random() * counter)}`;
    const fate = random();
    slot.outcome = fate < lostShare ? 'lost' : fate < lostShare + refusedShare ? 'refused' : 'ok';
    slot.handle = recorder.invoke(slot.client, slot.key, slot.kind, { value: slot.value, expected: slot.expected });
    issued++;
    slot.phase = 'apply';
    slot.at = now + latency();
  };

  const apply = (slot: Slot) => {
    const applies = slot.outcome === 'ok' || (slot.outcome === 'lost' && random() < 0.5);
    if (applies) {
      const current = registers.get(slot.key) ?? null;
      if (slot.kind === 'read') slot.result = { value: current };
      else if (slot.kind === 'write') {
        registers.set(slot.key, slot.value);
        slot.result = {};
      } else {
        slot.result = { ok: current === slot.expected };
        if (current === slot.expected) registers.set(slot.key, slot.value);
      }
    }
    slot.phase = 'respond';
    slot.at = now + latency();
  };

  const respond = (slot: Slot) => {
    const handle = slot.handle!;
    if (slot.outcome === 'refused') handle.fail();
    else if (slot.outcome === 'lost') {
      handle.info();
      slot.client = recorder.freshClient();
      slot.seen = new Map();
    } else {
      handle.ok(slot.result);
      if (slot.kind === 'read') slot.seen.set(slot.key, slot.result.value ?? null);
      else if (slot.kind === 'write' || slot.result.ok) slot.seen.set(slot.key, slot.value);
    }
    slot.phase = 'idle';
    slot.at = now + random();
  };

  for (;;) {
    const live = slots.filter((slot) => slot.phase !== 'idle' || issued < options.ops);
    if (live.length === 0) break;
    const slot = live.reduce((a, b) => (b.at < a.at ? b : a));
    now = slot.at;
    if (slot.phase === 'idle') begin(slot);
    else if (slot.phase === 'apply') apply(slot);
    else respond(slot);
  }
  return recorder.history();
}

/**
 * A copy of `history` where one completed read (of `key`, if given), near `at` (a fraction of the history), returns
 * a stale value instead: one set by an op that finished before another completed op set a
 * different value, which itself finished before the read began. Values must be unique per op.
 */
export function withStaleRead(history: readonly HistoryOp[], at: number, key?: string): { history: HistoryOp[]; index: number; stale: string } {
  const sets = (op: HistoryOp) => op.ret !== undefined && (op.op === 'write' || (op.op === 'cas' && op.result?.ok === true));
  const start = Math.floor(history.length * at);
  for (let index = start; index < history.length; index++) {
    const read = history[index]!;
    if (read.op !== 'read' || read.ret === undefined || (key !== undefined && read.key !== key)) continue;
    const setters = history.filter((op) => op.key === read.key && sets(op) && typeof op.value === 'string');
    const overwritten = setters.filter((old) => old.value !== read.result?.value && setters.some((newer) => newer.call > old.ret! && newer.ret! < read.call));
    const stale = overwritten.reduce<HistoryOp | undefined>((latest, op) => (latest === undefined || op.ret! > latest.ret! ? op : latest), undefined);
    if (stale === undefined) continue;
    const copy = history.map((op) => ({ ...op }));
    copy[index] = { ...read, result: { value: stale.value! } };
    return { history: copy, index, stale: stale.value! };
  }
  throw new Error('no read in the history can be made stale');
}
