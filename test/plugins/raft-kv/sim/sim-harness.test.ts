import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry, Message } from '../../../../plugins/raft-kv/raft/types.js';
import { KvStateMachine } from '../../../support/sim/kv-state-machine.js';
import { createRng } from '../../../support/sim/prng.js';
import { RegisterChecker } from '../../../support/sim/register-checker.js';
import { SafetyChecker } from '../../../support/sim/safety-checker.js';
import { clusterSizeOf, scenarioFor } from '../../../support/sim/scenario.js';
import { recordHistory, replayCommand, runSeed, seedsFor } from '../../../support/sim/seed-runner.js';
import { SimNetwork } from '../../../support/sim/sim-network.js';
import { SimStorage } from '../../../support/sim/sim-storage.js';
import { SimViolation } from '../../../support/sim/violations.js';

const harness = suite('raft-kv sim: harness');

const entry = (index: number, term: number, data = ''): Entry => ({ index, term, type: 'normal', data });
const message = (from: string, to: string): Message => ({ type: 'heartbeat', from, to, term: 1 });

function violationOf(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (error instanceof SimViolation) return error.invariant;
    throw error;
  }
  return 'none';
}

harness('one seed gives one random stream, another seed a different one', () => {
  const draw = (seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: 8 }, () => rng.int(1000));
  };
  assert.equal(draw(42), draw(42));
  assert.not.equal(draw(42), draw(43));
  const rng = createRng(7);
  for (let i = 0; i < 1000; i++) {
    const n = rng.between(2, 5);
    assert.ok(n >= 2 && n <= 5);
  }
});

harness('a scenario, its cluster size and its seed list follow from the seed alone', () => {
  assert.equal(scenarioFor(99), scenarioFor(99));
  assert.is(clusterSizeOf(7), 3);
  assert.is(clusterSizeOf(8), 5);
  assert.ok(seedsFor(3, 4).every((seed) => clusterSizeOf(seed) === 3));
  assert.ok(seedsFor(5, 4).every((seed) => clusterSizeOf(seed) === 5));
  assert.match(replayCommand(12345), /^SIM_SEED=12345 node --import @swc-node\/register\/esm-register node_modules\/uvu\/bin\.js test 'sim/);
});

harness('the network cuts partitioned links, keeps bridges and one-way links, and copies messages', () => {
  const network = new SimNetwork(createRng(1), { drop: 0, duplicate: 0, maxDelay: 1 });
  network.partition([['a'], ['b', 'c']]);
  assert.not.ok(network.connected('a', 'b'));
  assert.not.ok(network.connected('c', 'a'));
  assert.ok(network.connected('b', 'c'));
  assert.ok(network.connected('d', 'a'), 'a node in no group bridges both sides');
  network.heal();
  network.cutLink('a', 'b');
  assert.not.ok(network.connected('a', 'b'));
  assert.ok(network.connected('b', 'a'));
  const sent = message('b', 'a');
  network.send(sent, 0, 1);
  const [due] = network.due(1);
  assert.is(due!.outcome, 'delivered');
  assert.equal(due!.message, sent);
  assert.ok(due!.message !== sent);
});

harness('the network duplicates and delays within bounds', () => {
  const network = new SimNetwork(createRng(3), { drop: 0, duplicate: 1, maxDelay: 4 });
  network.send(message('a', 'b'), 10, 1);
  assert.is(network.pending, 2);
  const delivered = [11, 12, 13, 14].flatMap((now) => network.due(now));
  assert.is(delivered.length, 2);
});

harness('storage replaces a conflicting suffix, reports what it replaced and refuses gaps', () => {
  const storage = new SimStorage();
  storage.append([entry(1, 1), entry(2, 1), entry(3, 1)]);
  const { overwritten } = storage.append([entry(2, 2)]);
  assert.equal(overwritten, [{ index: 2, term: 1, byTerm: 2 }]);
  assert.is(storage.lastIndex(), 2);
  assert.is(storage.append([entry(5, 2)]).gapAfter, 2);
  storage.saveOwnSnapshot({ meta: { index: 1, term: 1, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array() });
  assert.is(storage.term(1), 1);
  assert.is(storage.entry(1), undefined);
  assert.is(storage.term(2), 2);
});

harness('the state machine de-duplicates commands and round-trips through a snapshot', () => {
  const machine = new KvStateMachine();
  const write = JSON.stringify({ id: 'w1', op: 'write', key: 'a', value: 'x' });
  machine.apply(entry(1, 1, write));
  machine.apply(entry(2, 1, JSON.stringify({ id: 'c1', op: 'cas', key: 'a', expected: 'y', value: 'z' })));
  machine.apply(entry(3, 1, write));
  assert.is(machine.get('a'), 'x');
  assert.equal(machine.resultOf('w1'), { index: 1, ok: true });
  assert.equal(machine.resultOf('c1'), { index: 2, ok: false });
  const copy = KvStateMachine.restore(machine.snapshot());
  assert.is(copy.get('a'), 'x');
  assert.is(copy.applied, 3);
  assert.is(copy.digest, machine.digest);
});

harness('the register checker flags a read older than an acknowledged write, and unknown values', () => {
  const registers = new RegisterChecker();
  registers.onEffect('w1', 'a', 'x', 3);
  registers.onEffect('w2', 'a', 'y', 5);
  registers.onWriteAcknowledged('a', 'y', 5, 1);
  const window = registers.readStarted('a');
  assert.is(violationOf(() => registers.readServed(window, 'x', 2, 'n1', 4)), 'stale read');
  assert.is(violationOf(() => registers.readServed(window, 'y', 2, 'n1', 5)), 'none');
  assert.is(violationOf(() => registers.readServed(registers.readStarted('a'), null, 2, 'n1', 5)), 'stale read');
  assert.is(violationOf(() => registers.readServed(registers.readStarted('b'), 'q', 2, 'n1', 5)), 'stale read');
  registers.onRejected('w3');
  assert.is(violationOf(() => registers.onEffect('w3', 'a', 'z', 7)), 'rejected proposal');
});

const everywhere = () => ['a', 'b', 'c'];

harness('the safety checker flags two leaders in a term, double votes, diverging logs and applies', () => {
  const safety = new SafetyChecker({ voters: ['a', 'b', 'c'], learners: [] }, everywhere);
  safety.observeLeader('n1', 2);
  assert.is(violationOf(() => safety.observeLeader('n1', 2)), 'none');
  assert.is(violationOf(() => safety.observeLeader('n2', 2)), 'election safety');

  assert.is(violationOf(() => safety.onHardState('n1', { term: 1, vote: null, commit: 0 }, { term: 1, vote: 'b', commit: 0 }, 0)), 'none');
  assert.is(violationOf(() => safety.onHardState('n1', { term: 1, vote: 'b', commit: 0 }, { term: 1, vote: 'c', commit: 0 }, 0)), 'durable hard state');
  assert.is(violationOf(() => safety.onHardState('n1', { term: 3, vote: null, commit: 2 }, { term: 2, vote: null, commit: 2 }, 2)), 'durable hard state');

  const one = new SimStorage();
  one.append([entry(1, 1, 'x'), entry(2, 2, 'y')]);
  safety.onDurableEntries('n1', one, one.entries, [], 0);
  const two = new SimStorage();
  two.append([entry(1, 1, 'z'), entry(2, 2, 'y')]);
  assert.is(violationOf(() => safety.onDurableEntries('n2', two, two.entries.slice(1), [], 0)), 'none');
  assert.is(violationOf(() => safety.onDurableEntries('n2', two, two.entries, [], 0)), 'log matching');
  const three = new SimStorage();
  three.append([entry(1, 3, 'w'), entry(2, 2, 'y')]);
  assert.is(violationOf(() => safety.onDurableEntries('n3', three, three.entries.slice(1), [], 0)), 'log matching');

  safety.onApply('n1', entry(1, 1, 'x'), one, 11);
  assert.is(violationOf(() => safety.onApply('n2', entry(1, 1, 'z'), two, 11)), 'state machine safety');
  assert.is(violationOf(() => safety.onApply('n3', entry(1, 1, 'x'), new SimStorage(), 11)), 'durability');
});

harness('leader completeness: a leader of a later term must hold every applied entry', () => {
  const safety = new SafetyChecker({ voters: ['a', 'b', 'c'], learners: [] }, everywhere);
  const log = new SimStorage();
  log.append([entry(1, 1, 'x')]);
  safety.onApply('n1', entry(1, 1, 'x'), log, 1);
  safety.endStep(1);
  assert.is(violationOf(() => safety.checkLeaderCompleteness('n2', 2, new SimStorage())), 'leader completeness');
  assert.is(violationOf(() => safety.checkLeaderCompleteness('n1', 2, log)), 'none');
  assert.is(violationOf(() => safety.checkLeaderCompleteness('n3', 1, new SimStorage())), 'none');
});

harness('an entry applied before a quorum has it on disk is flagged', () => {
  const safety = new SafetyChecker({ voters: ['a', 'b', 'c'], learners: [] }, () => ['a']);
  const log = new SimStorage();
  log.append([entry(1, 1, 'x')]);
  assert.is(violationOf(() => safety.onApply('n1', entry(1, 1, 'x'), log, 1)), 'quorum durability');
});

harness('a seed replays identically, trace and all', () => {
  const seed = 11;
  const first: string[] = [];
  const second: string[] = [];
  const a = runSeed(seed, { trace: (line) => first.push(line) });
  const b = runSeed(seed, { trace: (line) => second.push(line) });
  assert.equal(second, first);
  assert.is(a.ok, b.ok);
  const untraced = runSeed(seed);
  if (a.ok && untraced.ok) assert.is(untraced.result.fingerprint, a.result.fingerprint);
});

harness('the recorded history has the checker format and one open operation per client', () => {
  const history = recordHistory(13);
  assert.ok(history.length > 0);
  const open = new Map<number, number>();
  for (const op of history) {
    assert.ok(['read', 'write', 'cas'].includes(op.op));
    assert.type(op.key, 'string');
    assert.type(op.call, 'number');
    if (op.ret !== undefined) assert.ok(op.ret >= op.call);
    if (op.op === 'read' && op.ret !== undefined) assert.ok(op.result && 'value' in op.result);
    if (op.op !== 'read' && op.ret !== undefined) assert.type(op.result?.ok, 'boolean');
    if (op.op === 'cas') assert.ok('expected' in op);
    const busyUntil = open.get(op.client);
    assert.ok(busyUntil === undefined || busyUntil < op.call, `client ${op.client} overlaps itself`);
    open.set(op.client, op.ret ?? Number.POSITIVE_INFINITY);
  }
});

harness.run();
