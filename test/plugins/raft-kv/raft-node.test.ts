import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RaftNode } from '../../../plugins/raft-kv/raft/raft-node.js';
import type { Message } from '../../../plugins/raft-kv/raft/types.js';
import { BASE_CONFIG, Cluster, diskWithTerms } from '../../support/raft-pump.js';
import { seededRandom as seeded } from '../../support/seeded-random.js';

const THREE = ['n1', 'n2', 'n3'];
const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];

function termsOf(entries: readonly { term: number }[]): number[] {
  return entries.map((entry) => entry.term);
}

const election = suite('raft: election');

election('a single voter elects itself by ticking and commits', () => {
  const c = new Cluster(['n1']);
  c.tickUntil(() => c.leader() === 'n1');
  c.proposeAll('n1', ['a', 'b']);
  assert.equal(c.node('n1').appliedData(), ['a', 'b']);
  assert.is(c.raft('n1').status().commit, 3);
});

for (const ids of [THREE, FIVE]) {
  election(`${ids.length} members elect exactly one leader that everyone follows`, () => {
    const c = new Cluster(ids, { seed: 7 });
    c.tickUntil(() => c.leaders().length === 1);
    const leader = c.leader()!;
    const term = c.raft(leader).status().term;
    c.tick(undefined, 3 * BASE_CONFIG.electionTick);
    assert.equal(c.leaders(), [leader]);
    for (const id of ids) {
      const status = c.raft(id).status();
      assert.is(status.leader, leader, id);
      assert.is(status.term, term, id);
    }
  });
}

election('a split vote is resolved by a later election', () => {
  const ids = ['n1', 'n2', 'n3', 'n4'];
  const c = new Cluster(ids, { config: { preVote: false } });
  c.filter = (m) => !(m.type === 'vote' && ((m.from === 'n1' && m.to === 'n4') || (m.from === 'n2' && m.to === 'n3')));
  c.raft('n1').campaign();
  c.raft('n2').campaign();
  c.settle();
  assert.equal(c.leaders(), []);
  assert.is(c.raft('n1').status().role, 'candidate');
  assert.is(c.raft('n2').status().role, 'candidate');
  c.filter = undefined;
  c.tickUntil(() => c.leaders().length === 1);
  assert.ok(c.raft(c.leader()!).status().term >= 2);
});

election('pre-vote: a partitioned member rejoins without disturbing the leader', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.isolate('n3');
  c.tick(undefined, 8 * BASE_CONFIG.electionTick);
  assert.is(c.raft('n3').status().term, term);
  c.heal();
  c.tick(undefined, 3);
  assert.equal(c.leaders(), ['n1']);
  for (const id of THREE) {
    assert.is(c.raft(id).status().term, term, id);
    assert.is(c.raft(id).status().leader, 'n1', id);
  }
});

election('without pre-vote and check-quorum the same rejoin deposes the leader', () => {
  const c = new Cluster(THREE, { config: { preVote: false, checkQuorum: false } });
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.isolate('n3');
  c.tick(['n3'], 4 * BASE_CONFIG.electionTick);
  assert.ok(c.raft('n3').status().term > term);
  c.heal();
  c.tickUntil(() => c.raft('n1').status().term > term, 3 * BASE_CONFIG.electionTick);
});

election('check-quorum: an isolated leader steps down and the rest elect a new one', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.isolate('n1');
  c.tick(undefined, 2 * BASE_CONFIG.electionTick);
  assert.is(c.raft('n1').status().role, 'follower');
  assert.is(c.raft('n1').status().leader, null);
  c.tickUntil(() => c.leaders().length === 1 && c.leader() !== 'n1');
  assert.ok(c.raft(c.leader()!).status().term > term);
});

election('leader stickiness: members that hear a live leader ignore vote requests unless they are a transfer', () => {
  const c = new Cluster(THREE, { config: { preVote: false } });
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.raft('n3').campaign();
  c.settle();
  assert.equal(c.leaders(), ['n1']);
  assert.is(c.raft('n2').status().term, term);
  assert.is(c.raft('n2').status().vote, 'n1');

  const forced: Message = { type: 'vote', from: 'n3', to: 'n2', term: term + 5, index: 100, logTerm: term + 4, context: 'transfer' };
  c.raft('n2').step(forced);
  assert.is(c.raft('n2').status().term, term + 5);
  assert.is(c.raft('n2').status().vote, 'n3');
});

election('leader stickiness with pre-vote: a campaign changes no term anywhere', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.raft('n3').campaign();
  c.settle();
  for (const id of THREE) assert.is(c.raft(id).status().term, term, id);
  assert.equal(c.leaders(), ['n1']);
});

election('a pre-vote rejection from a higher term moves the pre-candidate to that term', () => {
  const node = new RaftNode({ ...BASE_CONFIG, id: 'n1' }, { hardState: { term: 2, vote: null, commit: 0 }, entries: [], initialConf: { voters: THREE, learners: [] } }, seeded(3));
  node.campaign();
  assert.is(node.status().role, 'preCandidate');
  assert.is(node.status().term, 2);
  const asks = node.ready().messages;
  assert.ok(asks.every((m) => m.type === 'preVote' && m.term === 3));
  node.step({ type: 'preVoteResp', from: 'n2', to: 'n1', term: 3, reject: false });
  assert.is(node.status().role, 'candidate');
  assert.is(node.status().term, 3);
  node.step({ type: 'voteResp', from: 'n2', to: 'n1', term: 7, reject: true });
  assert.is(node.status().role, 'follower');
  assert.is(node.status().term, 7);
});

election('a member answers a stale pre-vote with a rejection carrying its term', () => {
  const node = new RaftNode({ ...BASE_CONFIG, id: 'n2' }, { hardState: { term: 5, vote: null, commit: 0 }, entries: [], initialConf: { voters: THREE, learners: [] } }, seeded(4));
  node.step({ type: 'preVote', from: 'n1', to: 'n2', term: 4, index: 0, logTerm: 0 });
  const [reply] = node.ready().messages;
  assert.equal({ type: reply!.type, term: reply!.term, reject: reply!.reject }, { type: 'preVoteResp', term: 5, reject: true });
});

election.run();

const replication = suite('raft: replication');

replication('proposals on the leader reach every member; a batch goes out as one append per follower', () => {
  const c = new Cluster(FIVE);
  c.elect('n1');
  const leader = c.raft('n1');
  for (const data of ['a', 'b', 'c']) assert.equal(leader.propose(data), { accepted: true });
  c.node('n1').handleReady((m) => c.queue.push(m));
  const appends = c.node('n1').readies.at(-1)!.messages.filter((m) => m.type === 'app');
  assert.is(appends.length, 4);
  for (const append of appends) assert.equal(append.entries!.map((entry) => entry.data), ['a', 'b', 'c']);
  c.settle();
  for (const id of FIVE) assert.equal(c.node(id).appliedData(), ['a', 'b', 'c'], id);
});

replication('single-node durability: nothing is committed before the Ready holding it is advanced', () => {
  const node = new RaftNode({ ...BASE_CONFIG, id: 'n1' }, { hardState: { term: 0, vote: null, commit: 0 }, entries: [], initialConf: { voters: ['n1'], learners: [] } }, seeded(1));
  node.campaign();
  assert.is(node.status().role, 'leader');
  const first = node.ready();
  assert.equal(first.entries.map((entry) => entry.index), [1]);
  assert.equal(first.committedEntries, []);
  assert.is(first.hardState!.commit, 0);
  assert.is(node.status().commit, 0);
  node.propose('x');
  assert.is(node.status().commit, 0);
  node.advance(first);
  assert.is(node.status().commit, 1);
  const second = node.ready();
  assert.equal(second.entries.map((entry) => entry.data), ['x']);
  assert.equal(second.committedEntries.map((entry) => entry.index), [1]);
  assert.is(second.hardState!.commit, 1);
  node.advance(second);
  assert.is(node.status().commit, 2);
  const third = node.ready();
  assert.equal(third.committedEntries.map((entry) => entry.data), ['x']);
  node.advance(third);
  assert.not.ok(node.hasReady());
});

replication('a follower applies an entry only after persisting it, even when the leader says it is committed', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.proposeAll('n1', ['a']);
  const follower = new RaftNode({ ...BASE_CONFIG, id: 'n9' }, { hardState: { term: 0, vote: null, commit: 0 }, entries: [], initialConf: { voters: THREE, learners: [] } }, seeded(9));
  const entries = c.node('n1').disk.entries;
  const term = c.raft('n1').status().term;
  follower.step({ type: 'app', from: 'n1', to: 'n9', term, index: 0, logTerm: 0, entries, commit: entries.length });
  const ready = follower.ready();
  assert.is(ready.entries.length, entries.length);
  assert.equal(ready.committedEntries, []);
  follower.advance(ready);
  assert.is(follower.ready().committedEntries.length, entries.length);
});

replication("Figure 8: an old term's entry on a majority is not committed by counting", () => {
  const disks = {
    n1: diskWithTerms([1, 2], { term: 3, vote: null, commit: 1 }),
    n2: diskWithTerms([1, 2], { term: 3, vote: null, commit: 1 }),
    n3: diskWithTerms([1], { term: 3, vote: null, commit: 1 }),
    n4: diskWithTerms([1], { term: 3, vote: null, commit: 1 }),
    n5: diskWithTerms([1], { term: 3, vote: null, commit: 1 }),
  };
  const c = new Cluster(FIVE, { disks, config: { preVote: false, maxEntriesPerMessage: 1 } });
  c.isolate('n4');
  c.isolate('n5');
  // Once n3 holds the term-2 entry it never receives the new leader's own entry 3.
  let n3HoldsTwo = false;
  c.filter = (m) => {
    if (m.type === 'appResp' && m.from === 'n3' && !m.reject && m.index === 2) n3HoldsTwo = true;
    return !(n3HoldsTwo && m.type === 'app' && m.to === 'n3' && (m.entries ?? []).some((entry) => entry.index === 3));
  };
  c.elect('n1');
  c.settle();
  const status = c.raft('n1').status();
  assert.is(status.term, 4);
  assert.is(status.progress!['n3']!.match, 2);
  assert.is(status.progress!['n2']!.match, 3);
  assert.is(status.commit, 1, 'entry 2 is on n1, n2, n3 but must not commit by counting');
  c.heal();
  c.tickUntil(() => c.raft('n1').status().commit === 3, 50);
  for (const id of FIVE) {
    c.tickUntil(() => c.node(id).appliedIndex === 3, 50);
    assert.equal(termsOf(c.node(id).applied), [1, 2, 4], id);
  }
});

replication('fast back-off skips whole divergent terms, and the follower drops its conflicting entries', () => {
  const leaderTerms = [1, ...new Array<number>(50).fill(3)];
  const disks = {
    n1: diskWithTerms(leaderTerms, { term: 3, vote: null, commit: 1 }),
    n2: diskWithTerms(leaderTerms, { term: 3, vote: null, commit: 1 }),
    n3: diskWithTerms([1, ...new Array<number>(100).fill(2)], { term: 2, vote: null, commit: 1 }),
  };
  const c = new Cluster(THREE, { disks, config: { preVote: false } });
  c.elect('n1');
  c.settle();
  const rejections = c.delivered.filter((m) => m.type === 'appResp' && m.reject && m.from === 'n3');
  assert.ok(rejections.length <= 2, `${rejections.length} rejections`);
  assert.equal(termsOf(c.node('n3').disk.entries), termsOf(c.node('n1').disk.entries));
  assert.is(c.raft('n3').status().lastIndex, 52);
  assert.ok(c.node('n3').applied.every((entry) => entry.term !== 2));
  assert.is(c.node('n3').appliedIndex, 52);
});

replication('a follower truncates uncommitted entries that conflict with the leader', () => {
  const disks = {
    n1: diskWithTerms([1, 1, 3], { term: 3, vote: null, commit: 2 }),
    n2: diskWithTerms([1, 1, 3], { term: 3, vote: null, commit: 2 }),
    n3: diskWithTerms([1, 1, 2, 2, 2], { term: 2, vote: null, commit: 2 }),
  };
  const c = new Cluster(THREE, { disks, config: { preVote: false } });
  c.elect('n1');
  c.proposeAll('n1', ['x']);
  assert.equal(termsOf(c.node('n3').disk.entries), [1, 1, 3, 4, 4]);
  assert.equal(c.node('n3').disk.entries.at(-1)!.data, 'x');
  assert.equal(termsOf(c.node('n3').applied), [1, 1, 3, 4, 4]);
});

replication('followers forward proposals to the leader, batched into one message', () => {
  const c = new Cluster(THREE);
  assert.equal(c.raft('n2').propose('early'), { accepted: false, reason: 'noLeader' });
  c.elect('n1');
  for (const data of ['a', 'b', 'c']) assert.equal(c.raft('n2').propose(data), { accepted: true });
  c.node('n2').handleReady((m) => c.queue.push(m));
  const props = c.node('n2').readies.at(-1)!.messages.filter((m) => m.type === 'prop');
  assert.is(props.length, 1);
  assert.is(props[0]!.to, 'n1');
  assert.equal(props[0]!.entries!.map((entry) => entry.data), ['a', 'b', 'c']);
  c.settle();
  for (const id of THREE) assert.equal(c.node(id).appliedData(), ['a', 'b', 'c'], id);
});

replication('a follower that lost appends recovers once the network heals', () => {
  const c = new Cluster(THREE, { config: { maxInflight: 2, maxEntriesPerMessage: 1 } });
  c.elect('n1');
  c.cutLink('n1', 'n3');
  c.proposeAll('n1', ['a', 'b', 'c', 'd']);
  c.heal();
  c.tickUntil(() => c.node('n3').appliedData().length === 4, 100);
  assert.equal(c.node('n3').appliedData(), ['a', 'b', 'c', 'd']);
});

replication.run();

const reads = suite('raft: ReadIndex');

reads('on the leader: a heartbeat round confirms the read at the commit index', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.proposeAll('n1', ['a']);
  const commit = c.raft('n1').status().commit;
  assert.ok(c.raft('n1').readIndex('r1'));
  c.node('n1').handleReady((m) => c.queue.push(m));
  assert.equal(c.node('n1').readStates, []);
  const heartbeats = c.node('n1').readies.at(-1)!.messages.filter((m) => m.type === 'heartbeat');
  assert.ok(heartbeats.length === 2 && heartbeats.every((m) => m.context === 'r1'));
  c.settle();
  assert.equal(c.node('n1').readStates, [{ index: commit, context: 'r1' }]);
});

reads('an isolated leader cannot confirm a read', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.isolate('n1');
  assert.ok(c.raft('n1').readIndex('lonely'));
  c.settle();
  c.tick(['n1'], 3);
  assert.equal(c.node('n1').readStates, []);
});

reads('on a follower: forwarded to the leader, answered after its confirmation', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.proposeAll('n1', ['a', 'b']);
  const commit = c.raft('n1').status().commit;
  assert.ok(c.raft('n2').readIndex('f1'));
  c.settle();
  assert.equal(c.node('n2').readStates, [{ index: commit, context: 'f1' }]);
  assert.equal(c.node('n1').readStates, []);
  assert.ok(c.delivered.some((m) => m.type === 'readIndexResp' && m.to === 'n2'));
});

reads('a new leader holds reads until it has committed an entry of its term', () => {
  const c = new Cluster(THREE);
  c.raft('n1').campaign();
  c.settle(() => c.raft('n1').status().role === 'leader');
  assert.is(c.raft('n1').status().commit, 0);
  assert.ok(c.raft('n1').readIndex('early'));
  c.node('n1').handleReady((m) => c.queue.push(m));
  assert.equal(c.node('n1').readStates, []);
  c.settle();
  const commit = c.raft('n1').status().commit;
  assert.ok(commit >= 1);
  assert.equal(c.node('n1').readStates, [{ index: commit, context: 'early' }]);
});

reads('a single voter answers at once after its first commit', () => {
  const c = new Cluster(['n1']);
  c.elect('n1');
  c.settle();
  assert.ok(c.raft('n1').readIndex('solo'));
  c.settle();
  assert.equal(c.node('n1').readStates, [{ index: 1, context: 'solo' }]);
});

reads('refused without a known leader', () => {
  const c = new Cluster(THREE);
  assert.is(c.raft('n2').readIndex('nobody'), false);
});

reads.run();

const transfer = suite('raft: leader transfer');

transfer('an up-to-date target takes over in the next term', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  const term = c.raft('n1').status().term;
  c.raft('n1').transferLeadership('n2');
  c.settle();
  assert.equal(c.leaders(), ['n2']);
  assert.is(c.raft('n2').status().term, term + 1);
  assert.is(c.raft('n1').status().leader, 'n2');
});

transfer('an out-of-date target is caught up first; proposals are refused meanwhile', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.isolate('n3');
  c.proposeAll('n1', ['a', 'b', 'c']);
  c.heal();
  c.raft('n1').transferLeadership('n3');
  assert.is(c.raft('n1').status().leadTransferee, 'n3');
  assert.equal(c.raft('n1').propose('refused'), { accepted: false, reason: 'transferring' });
  c.tickUntil(() => c.leader() === 'n3', 30);
  assert.equal(c.node('n3').appliedData(), ['a', 'b', 'c']);
  c.proposeAll('n3', ['d']);
  for (const id of THREE) assert.equal(c.node(id).appliedData(), ['a', 'b', 'c', 'd'], id);
});

transfer('a transfer to an unreachable target is abandoned after an election timeout', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.isolate('n3');
  c.raft('n1').transferLeadership('n3');
  c.tick(['n1'], BASE_CONFIG.electionTick);
  assert.is(c.raft('n1').status().leadTransferee, undefined);
  assert.equal(c.leaders(), ['n1']);
  assert.equal(c.raft('n1').propose('after'), { accepted: true });
});

transfer.run();

const membership = suite('raft: membership');

membership('add a learner, promote it, remove a follower, then remove the leader itself', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  const leader = c.raft('n1');
  assert.equal(leader.proposeConfChange({ type: 'addLearner', node: 'n4' }), { accepted: true });
  assert.equal(leader.proposeConfChange({ type: 'addNode', node: 'n5' }), { accepted: false, reason: 'confChangePending' });
  c.start('n4', { voters: THREE, learners: [] });
  c.settle();
  assert.equal(leader.status().conf, { voters: THREE, learners: ['n4'] });
  assert.equal(c.raft('n4').status().conf, { voters: THREE, learners: ['n4'] });
  c.proposeAll('n1', ['x']);
  assert.equal(c.node('n4').appliedData(), ['x']);

  // A learner never campaigns and does not count toward a quorum.
  const term = leader.status().term;
  c.tick(['n4'], 5 * BASE_CONFIG.electionTick);
  assert.is(c.raft('n4').status().term, term);
  assert.is(c.raft('n4').status().role, 'follower');
  assert.equal(c.raft('n4').propose('no'), { accepted: false, reason: 'notVoter' });
  c.isolate('n2');
  c.isolate('n3');
  const commit = leader.status().commit;
  c.proposeAll('n1', ['y']);
  assert.is(leader.status().commit, commit);
  c.heal();
  c.tickUntil(() => c.node('n4').appliedData().includes('y'), 50);

  assert.equal(leader.proposeConfChange({ type: 'addNode', node: 'n4' }), { accepted: true });
  c.settle();
  assert.equal(leader.status().conf, { voters: [...THREE, 'n4'], learners: [] });

  assert.equal(leader.proposeConfChange({ type: 'removeNode', node: 'n2' }), { accepted: true });
  c.settle();
  assert.equal(leader.status().conf, { voters: ['n1', 'n3', 'n4'], learners: [] });
  c.stop('n2');
  c.proposeAll('n1', ['z']);
  assert.ok(c.node('n4').appliedData().includes('z'));

  assert.equal(leader.proposeConfChange({ type: 'removeNode', node: 'n1' }), { accepted: true });
  c.settle();
  assert.is(leader.status().role, 'follower');
  assert.equal(c.raft('n3').status().conf, { voters: ['n3', 'n4'], learners: [] });
  c.tickUntil(() => c.leaders().length === 1);
  const next = c.leader()!;
  assert.ok(next === 'n3' || next === 'n4');
  c.proposeAll(next, ['after']);
  assert.ok(c.node('n3').appliedData().includes('after'));
  assert.ok(c.node('n4').appliedData().includes('after'));
  assert.not.ok(c.node('n1').appliedData().includes('after'));
});

membership.run();

const snapshots = suite('raft: snapshots and restarts');

snapshots('a lagging follower catches up from a snapshot after the leader compacted its log', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.isolate('n3');
  c.proposeAll('n1', ['a', 'b', 'c', 'd', 'e']);
  const leader = c.node('n1');
  const data = new TextEncoder().encode(JSON.stringify(leader.appliedData()));
  const snapshot = c.raft('n1').createSnapshot(leader.appliedIndex, data);
  assert.equal(snapshot.meta, { index: leader.appliedIndex, term: c.raft('n1').status().term, conf: { voters: THREE, learners: [] } });
  assert.throws(() => c.raft('n1').compact(leader.appliedIndex + 1));
  c.raft('n1').compact(leader.appliedIndex);
  c.heal();
  c.tickUntil(() => c.node('n3').appliedIndex >= leader.appliedIndex, 50);
  assert.ok(c.delivered.some((m) => m.type === 'snap' && m.to === 'n3'));
  const restored = c.node('n3').snapshotsRestored;
  assert.is(restored.length, 1);
  assert.equal(JSON.parse(new TextDecoder().decode(restored[0]!.data)), ['a', 'b', 'c', 'd', 'e']);
  c.proposeAll('n1', ['f']);
  assert.equal(c.node('n3').appliedData(), ['f']);
  assert.is(c.raft('n3').status().commit, c.raft('n1').status().commit);
  assert.equal(c.raft('n3').status().conf, { voters: THREE, learners: [] });
});

snapshots('a restarted member keeps its term, vote and log, and never votes twice in a term', () => {
  const c = new Cluster(THREE, { config: { preVote: false, checkQuorum: false } });
  c.elect('n1');
  c.proposeAll('n1', ['a', 'b']);
  const term = c.raft('n3').status().term;
  const lastIndex = c.raft('n3').status().lastIndex;
  c.raft('n3').step({ type: 'vote', from: 'n2', to: 'n3', term: term + 1, index: lastIndex, logTerm: term });
  c.node('n3').handleReady(() => {});
  assert.equal(c.node('n3').disk.hardState.vote, 'n2');

  const restarted = c.start('n3');
  const status = restarted.raft.status();
  assert.is(status.term, term + 1);
  assert.is(status.vote, 'n2');
  assert.is(status.lastIndex, lastIndex);
  restarted.raft.step({ type: 'vote', from: 'n1', to: 'n3', term: term + 1, index: lastIndex, logTerm: term });
  const reply = restarted.raft.ready().messages.find((m) => m.type === 'voteResp');
  assert.is(reply?.reject, true);
});

snapshots('a whole cluster restarted from its disks re-elects and keeps every committed entry', () => {
  const c = new Cluster(THREE);
  c.elect('n1');
  c.proposeAll('n1', ['a', 'b', 'c']);
  for (const id of THREE) c.start(id);
  c.tickUntil(() => c.leaders().length === 1);
  c.proposeAll(c.leader()!, ['d']);
  for (const id of THREE) assert.equal(c.node(id).appliedData(), ['a', 'b', 'c', 'd'], id);
});

snapshots('a member restarted from a snapshot resumes after it', () => {
  const c = new Cluster(['n1']);
  c.elect('n1');
  c.proposeAll('n1', ['a', 'b']);
  const node = c.node('n1');
  const snapshot = c.raft('n1').createSnapshot(node.appliedIndex, new Uint8Array([1]));
  node.disk.snapshot = snapshot;
  node.disk.entries = node.disk.entries.filter((entry) => entry.index > snapshot.meta.index);
  const restarted = c.start('n1');
  assert.is(restarted.raft.status().commit, snapshot.meta.index);
  c.tickUntil(() => c.leader() === 'n1');
  c.proposeAll('n1', ['c']);
  assert.equal(restarted.appliedData(), ['c']);
});

snapshots.run();
