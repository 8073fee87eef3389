import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfHistory, Membership } from '../../../plugins/raft-kv/raft/membership.js';
import { Inflights, Progress } from '../../../plugins/raft-kv/raft/progress.js';
import { committedIndex, voteResult } from '../../../plugins/raft-kv/raft/quorum.js';
import { RaftLog } from '../../../plugins/raft-kv/raft/raft-log.js';
import { ReadOnly } from '../../../plugins/raft-kv/raft/read-only.js';
import type { Entry } from '../../../plugins/raft-kv/raft/types.js';

function entries(from: number, terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: from + i, term, type: 'normal', data: `${from + i}` }));
}

const log = suite('raft parts: log');

log('terms and slices over a compacted log', () => {
  const l = new RaftLog(10, 2, entries(11, [2, 3, 3]), 11);
  assert.is(l.firstIndex(), 11);
  assert.is(l.lastIndex(), 13);
  assert.is(l.term(10), 2);
  assert.is(l.term(9), undefined);
  assert.is(l.term(14), undefined);
  assert.equal(l.slice(12, 100).map((e) => e.index), [12, 13]);
  assert.throws(() => l.slice(10, 12));
  l.compact(12);
  assert.is(l.firstIndex(), 13);
  assert.is(l.term(12), 3);
});

log('maybeAppend truncates only a conflicting suffix and never a committed entry', () => {
  const l = new RaftLog(0, 0, entries(1, [1, 1, 2, 2]), 2);
  assert.is(l.maybeAppend(1, 1, 0, entries(2, [1, 2])), 3, 'matching entries change nothing');
  assert.is(l.lastIndex(), 4);
  assert.is(l.maybeAppend(2, 1, 3, entries(3, [3])), 3);
  assert.is(l.lastIndex(), 3);
  assert.is(l.term(3), 3);
  assert.is(l.committed, 3);
  assert.is(l.maybeAppend(3, 2, 3, []), undefined);
  assert.throws(() => l.maybeAppend(1, 1, 3, entries(2, [5])));
});

log('findConflictByTerm skips whole terms', () => {
  const l = new RaftLog(0, 0, entries(1, [1, 2, 2, 2, 5, 5, 5]), 0);
  assert.equal(l.findConflictByTerm(7, 4), { index: 4, term: 2 });
  assert.equal(l.findConflictByTerm(7, 1), { index: 1, term: 1 });
  assert.equal(l.findConflictByTerm(100, 9), { index: 7, term: 5 });
});

log('persisted follows stableTo only for entries still in the log', () => {
  const l = new RaftLog(0, 0, [], 0);
  l.append(entries(1, [1, 1, 1]));
  const handed = l.unstableEntries();
  assert.is(handed.length, 3);
  l.maybeAppend(1, 1, 0, entries(2, [2]));
  l.stableTo(3, 1);
  assert.is(l.persisted, 0);
  assert.equal(l.unstableEntries().map((e) => e.index), [2]);
  l.stableTo(2, 2);
  assert.is(l.persisted, 2);
});

log('a restored commit index beyond the log is refused', () => {
  assert.throws(() => new RaftLog(0, 0, entries(1, [1]), 2));
});

log.run();

const flow = suite('raft parts: progress and quorum');

flow('the inflight window fills, frees up to an ack, and resets', () => {
  const window = new Inflights(3);
  window.add(5);
  window.add(9);
  window.add(12);
  assert.ok(window.full());
  window.freeLE(9);
  assert.is(window.size, 1);
  window.add(15);
  window.add(18);
  assert.ok(window.full());
  window.reset();
  assert.is(window.size, 0);
});

flow('progress: probe pauses after one append, replicate streams optimistically', () => {
  const pr = new Progress('n2', 11, 2, false);
  pr.sentEntries(12, 2);
  assert.ok(pr.isPaused());
  assert.ok(pr.maybeDecrTo(10, 4));
  assert.is(pr.next, 5);
  assert.not.ok(pr.maybeDecrTo(10, 4), 'a second rejection of the same append is stale');
  assert.ok(pr.maybeUpdate(8));
  pr.becomeReplicate();
  assert.is(pr.next, 9);
  pr.sentEntries(10, 2);
  pr.sentEntries(12, 2);
  assert.is(pr.next, 13);
  assert.ok(pr.isPaused());
  assert.not.ok(pr.maybeDecrTo(7, 0), 'a rejection at or below match is stale');
  pr.becomeSnapshot(20);
  assert.ok(pr.isPaused());
  pr.becomeProbe();
  assert.is(pr.next, 21);
});

flow('quorum: committed index and vote results', () => {
  const voters = new Set(['a', 'b', 'c', 'd', 'e']);
  const match: Record<string, number> = { a: 9, b: 4, c: 7, d: 1, e: 7 };
  assert.is(committedIndex(voters, (id) => match[id]!), 7);
  assert.is(voteResult(voters, new Map([['a', true], ['b', true]])), 'pending');
  assert.is(voteResult(voters, new Map([['a', true], ['b', true], ['z', true], ['c', true]])), 'won');
  assert.is(voteResult(voters, new Map([['a', false], ['b', false], ['c', false]])), 'lost');
  assert.is(committedIndex(new Set(), () => 5), 0);
});

flow('read-only: an ack for a later request confirms the earlier ones', () => {
  const ro = new ReadOnly();
  assert.ok(ro.add(3, 'r1', 'n1'));
  assert.ok(ro.add(4, 'r2', 'n2'));
  assert.not.ok(ro.add(4, 'r2', 'n2'));
  assert.equal([...ro.recvAck('n3', 'r2')!], ['n3']);
  assert.equal(ro.advance('r2').map((r) => r.context), ['r1', 'r2']);
  assert.is(ro.size, 0);
});

flow('membership: promotion, no demotion, removal; conf history by index', () => {
  const m = new Membership({ voters: ['a', 'b'], learners: [] });
  m.apply({ type: 'addLearner', node: 'c' });
  m.apply({ type: 'addLearner', node: 'a' });
  assert.equal(m.toConfState(), { voters: ['a', 'b'], learners: ['c'] });
  m.apply({ type: 'addNode', node: 'c' });
  m.apply({ type: 'removeNode', node: 'a' });
  assert.equal(m.toConfState(), { voters: ['b', 'c'], learners: [] });
  const history = new ConfHistory(0, { voters: ['a'], learners: [] });
  history.record(5, { voters: ['a', 'b'], learners: [] });
  history.record(9, { voters: ['b'], learners: [] });
  assert.equal(history.at(4).voters, ['a']);
  assert.equal(history.at(7).voters, ['a', 'b']);
  history.trim(7);
  assert.equal(history.at(8).voters, ['a', 'b']);
  assert.equal(history.at(9).voters, ['b']);
});

flow.run();
