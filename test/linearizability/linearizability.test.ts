import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckResult, HistoryOp } from '../support/linearizability/index.js';
import { HistoryRecorder, checkLinearizable, formatHistory } from '../support/linearizability/index.js';
import { bruteForceLinearizable, randomSmallHistory } from './brute-force.js';
import { seededRandom } from '../support/seeded-random.js';
import { simulateRegisterHistory, withStaleRead } from './simulate.js';

type Span = [call: number, ret?: number];

const read = (client: number, value: string | null | undefined, [call, ret]: Span, key = 'x'): HistoryOp => ({
  client,
  key,
  op: 'read',
  call,
  ret,
  ...(ret !== undefined && value !== undefined && { result: { value } }),
});
const write = (client: number, value: string | null, [call, ret]: Span, key = 'x'): HistoryOp => ({
  client,
  key,
  op: 'write',
  value,
  call,
  ret,
  ...(ret !== undefined && { result: {} }),
});
const cas = (client: number, expected: string | null, value: string | null, ok: boolean | undefined, [call, ret]: Span, key = 'x'): HistoryOp => ({
  client,
  key,
  op: 'cas',
  expected,
  value,
  call,
  ret,
  ...(ret !== undefined && ok !== undefined && { result: { ok } }),
});

function expectOk(result: CheckResult): void {
  if (result.ok !== true) throw new Error(`expected linearizable, got ${JSON.stringify(result, null, 2)}`);
}

function expectViolation(result: CheckResult, key = 'x'): Extract<CheckResult, { ok: false }> {
  if (result.ok !== false) throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  assert.is(result.key, key);
  return result;
}

const linearizable = suite('linearizability: linearizable histories');

linearizable('an empty history and a lone read of the initial value', () => {
  assert.equal(checkLinearizable([]), { ok: true, keys: 0, ops: 0 });
  expectOk(checkLinearizable([read(1, null, [0, 1])]));
  expectOk(checkLinearizable([read(1, 'seed', [0, 1])], { initial: 'seed' }));
});

linearizable('concurrent writes: a later read may see either', () => {
  const writes = [write(1, 'a', [0, 10]), write(2, 'b', [1, 9])];
  expectOk(checkLinearizable([...writes, read(3, 'a', [11, 12])]));
  expectOk(checkLinearizable([...writes, read(3, 'b', [11, 12])]));
  expectOk(checkLinearizable([...writes, read(3, null, [2, 3]), read(4, 'b', [4, 5]), read(3, 'a', [6, 7])]));
});

linearizable('a cas chain, including a failed cas and a delete', () => {
  const history = [
    write(1, 'a', [0, 1]),
    cas(2, 'a', 'b', true, [2, 3]),
    cas(1, 'b', 'c', true, [4, 5]),
    cas(3, 'a', 'd', false, [4, 6]),
    read(2, 'c', [7, 8]),
    write(1, null, [9, 10]),
    cas(2, null, 'e', true, [11, 12]),
    read(3, 'e', [13, 14]),
  ];
  expectOk(checkLinearizable(history));
});

linearizable('an indeterminate write may have happened, late, or not at all', () => {
  const before = [write(1, 'a', [0, 1]), write(2, 'b', [2])];
  expectOk(checkLinearizable([...before, read(3, 'a', [5, 6])]));
  expectOk(checkLinearizable([...before, read(3, 'b', [5, 6])]));
  expectOk(checkLinearizable([...before, read(3, 'a', [5, 6]), read(3, 'b', [100, 101])]));
});

linearizable('an indeterminate cas applies only if the register held its expected value', () => {
  const history = [write(1, 'a', [0, 1]), cas(2, 'a', 'b', undefined, [2]), read(3, 'b', [5, 6])];
  expectOk(checkLinearizable(history));
  expectViolation(checkLinearizable([write(1, 'a', [0, 1]), cas(2, 'z', 'b', undefined, [2]), read(3, 'b', [5, 6])]));
});

linearizable('ops whose intervals touch at an instant count as concurrent', () => {
  expectOk(checkLinearizable([write(1, 'a', [0, 5]), read(2, null, [5, 6])]));
});

linearizable('a read with an unknown result constrains nothing', () => {
  expectOk(checkLinearizable([write(1, 'a', [0, 1]), read(2, 'nonsense', [2]), read(3, undefined, [2, 3])]));
});

linearizable.run();

const anomalies = suite('linearizability: anomalies');

anomalies('a stale read after a completed write (etcd 0.4.1, 2014)', () => {
  const history = [write(1, 'foo', [0, 1]), write(1, 'bar', [2, 3]), read(2, 'foo', [4, 5])];
  const result = expectViolation(checkLinearizable(history));
  assert.equal(result.ops, history);
  assert.match(result.message, 'read "foo" but the register held "bar"');
  assert.match(result.message, 'c2 read -> "foo"');
});

anomalies('a read of a value never written', () => {
  const result = expectViolation(checkLinearizable([write(1, 'a', [0, 1]), read(2, 'ghost', [0, 2])]));
  assert.match(result.message, 'a value no op wrote');
});

anomalies('a read coming back to an old value after a newer one was seen', () => {
  const history = [write(1, 'a', [0, 1]), write(2, 'b', [2]), read(3, 'b', [5, 6]), read(3, 'a', [7, 8])];
  expectViolation(checkLinearizable(history));
});

anomalies('a cas that succeeded against a value that was not current', () => {
  const history = [write(1, 'a', [0, 1]), write(1, 'b', [2, 3]), cas(2, 'a', 'c', true, [4, 5])];
  const result = expectViolation(checkLinearizable(history));
  assert.match(result.message, 'cas succeeded against "a" but the register held "b"');
});

anomalies('a cas that failed although the value was current', () => {
  expectViolation(checkLinearizable([write(1, 'a', [0, 1]), cas(2, 'a', 'c', false, [2, 3])]));
});

anomalies('two successful cas from the same expected value', () => {
  const history = [write(1, 'a', [0, 1]), cas(2, 'a', 'b', true, [2, 5]), cas(3, 'a', 'c', true, [3, 6])];
  expectViolation(checkLinearizable(history));
});

anomalies('the initial value is null unless given', () => {
  expectViolation(checkLinearizable([read(1, 'seed', [0, 1])]));
  expectViolation(checkLinearizable([read(1, null, [0, 1])], { initial: 'seed' }));
});

anomalies('histories are checked per key and the smallest failing key is reported', () => {
  const history = [
    write(1, 'a', [0, 1], 'fine'),
    write(2, 'a', [0, 1], 'stale'),
    read(3, 'a', [2, 3], 'fine'),
    write(2, 'b', [2, 3], 'stale'),
    write(1, 'b', [2, 3], 'fine'),
    read(3, 'a', [4, 5], 'stale'),
    write(4, 'p', [0, 1], 'big'),
    write(4, 'q', [2, 3], 'big'),
    write(4, 'r', [4, 5], 'big'),
    read(5, 'p', [6, 7], 'big'),
  ];
  const result = expectViolation(checkLinearizable(history), 'stale');
  assert.ok(result.ops.every((op) => op.key === 'stale'));
  assert.is(result.ops.length, 3);
  assert.match(result.message, /^key "stale"/);
  expectOk(checkLinearizable(history.filter((op) => op.key === 'fine')));
  assert.equal(checkLinearizable(history.filter((op) => op.key === 'fine')), { ok: true, keys: 1, ops: 3 });
});

anomalies('malformed ops are rejected', () => {
  assert.throws(() => checkLinearizable([write(1, 'a', [5, 1])]), /ret must not precede call/);
  assert.throws(() => checkLinearizable([{ client: 1, key: 'x', op: 'cas', value: 'b', call: 0 }]), /expected and value/);
});

anomalies('agrees with an exhaustive search on small random histories', () => {
  const random = seededRandom(7);
  let linearizableCount = 0;
  for (let round = 0; round < 3000; round++) {
    const history = randomSmallHistory(random);
    const expected = bruteForceLinearizable(history);
    const result = checkLinearizable(history);
    assert.is(result.ok, expected, `round ${round}:\n${formatHistory(history)}`);
    if (expected) linearizableCount++;
  }
  assert.ok(linearizableCount > 300 && linearizableCount < 2700, `${linearizableCount} of 3000 linearizable`);
});

anomalies.run();

const recorder = suite('linearizability: recorder and formatting');

recorder('records ok, drops fail, leaves info open; enforces one op per client', () => {
  let clock = 0;
  const history = new HistoryRecorder({ now: () => clock });
  const w = history.invoke(1, 'k', 'write', { value: 'a' });
  assert.throws(() => history.invoke(1, 'k', 'read'), /in flight/);
  clock = 2;
  const r = history.invoke(2, 'k', 'read');
  const c = history.invoke(3, 'k', 'cas', { expected: 'a', value: 'b' });
  clock = 3;
  w.ok();
  r.ok({ value: null });
  c.info();
  assert.throws(() => w.fail(), /settled twice/);
  assert.throws(() => history.invoke(3, 'k', 'read'), /fresh client/);
  const doomed = history.invoke(history.freshClient(), 'k', 'write', { value: 'z' });
  doomed.fail();
  const pending = history.invoke(1, 'k', 'read');
  clock = 4;
  assert.equal(history.history(), [
    { client: 1, key: 'k', op: 'write', value: 'a', call: 0, ret: 3, result: {} },
    { client: 2, key: 'k', op: 'read', call: 2, ret: 3, result: { value: null } },
    { client: 3, key: 'k', op: 'cas', value: 'b', expected: 'a', call: 2 },
    { client: 1, key: 'k', op: 'read', call: 3 },
  ]);
  pending.ok({ value: 'a' });
  expectOk(checkLinearizable(history.history()));
  assert.throws(() => history.invoke(5, 'k', 'cas', { value: 'x' }), /expected and value/);
});

recorder('formatHistory prints one aligned line per op in call order', () => {
  const text = formatHistory([read(2, 'a', [5, 6], 'k2'), write(1, 'a', [0, 1.5]), cas(3, 'a', null, undefined, [2])]);
  assert.equal(text.split('\n'), [
    '0 .. 1.50  c1  "x"   write "a"',
    '2 .. ?     c3  "x"   cas "a" -> nil ?',
    '5 .. 6     c2  "k2"  read -> "a"',
  ]);
});

recorder.run();

const large = suite('linearizability: large randomized histories');

const simulated = simulateRegisterHistory({ seed: 20_240_611, ops: 5000, concurrency: 10, keys: ['hot', 'a', 'b', 'c'] });

large('a simulated linearizable register passes', () => {
  const hot = simulated.filter((op) => op.key === 'hot').length;
  assert.ok(hot > 2500, `hot key has ${hot} ops`);
  assert.ok(simulated.some((op) => op.ret === undefined));
  const started = performance.now();
  const result = checkLinearizable(simulated);
  const took = performance.now() - started;
  console.log(`  linearizable: ${simulated.length} ops (${hot} on the hot key) checked in ${took.toFixed(0)} ms`);
  assert.equal(result, { ok: true, keys: 4, ops: simulated.length });
});

large('the same history with one stale read fails on that key', () => {
  const mutated = withStaleRead(simulated, 0.5, 'hot');
  const started = performance.now();
  const result = checkLinearizable(mutated.history);
  const took = performance.now() - started;
  console.log(`  stale read: ${mutated.history.length} ops checked in ${took.toFixed(0)} ms`);
  const violation = expectViolation(result, 'hot');
  assert.match(violation.message, `read -> ${JSON.stringify(mutated.stale)}`);
});

large('replays: the same seed yields the same history', () => {
  const again = simulateRegisterHistory({ seed: 20_240_611, ops: 5000, concurrency: 10, keys: ['hot', 'a', 'b', 'c'] });
  assert.equal(again, simulated);
});

large('a search past its budget answers unknown, never ok', () => {
  const writes = Array.from({ length: 24 }, (_, i) => write(i, `v${i}`, [0, 100]));
  const history = [...writes, read(99, 'never', [0, 100]), read(98, 'v3', [101, 102])];
  const started = performance.now();
  const result = checkLinearizable(history, { timeoutMs: 100 });
  const took = performance.now() - started;
  if (result.ok !== 'unknown') throw new Error(`expected unknown, got ${JSON.stringify(result).slice(0, 200)}`);
  assert.is(result.key, 'x');
  assert.match(result.reason, 'gave up after 100 ms');
  assert.ok(took < 2000, `took ${took} ms`);
});

large.run();
