import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEV_BIN, RUN_BIN } from '../../support/cli.js';
import { ensureCompiledCli } from '../../support/compiled-cli.js';
import { runKvLoad } from '../../support/kv-load.js';
import { checkLinearizable, formatHistory, HistoryRecorder } from '../../support/linearizability/index.js';
import { eventually, ProcessCluster, sleep, type ProcessMember } from '../../support/process-cluster.js';
import { readKey, readTree, writeKey, type KeyState } from '../../support/v2-client.js';
import { seededRandom } from '../../support/seeded-random.js';

const TICK_MS = 50;
const ELECTION_TICKS = 10;
/** Randomized election timeouts run from electionTicks to twice that. */
const MAX_ELECTION_MS = TICK_MS * ELECTION_TICKS * 2;
/** Two election timeouts, plus slack for process scheduling on a busy machine: a liveness bound, not a performance target. */
const FAILOVER_BOUND_MS = 2 * MAX_ELECTION_MS + 3_000;
const SNAPSHOT_COUNT = 50;
const CATCH_UP_ENTRIES = 30;
const SNAPSHOT_FROM_LEADER = 'restored a snapshot from the leader';

const seed = Number(process.env.PROCESS_CLUSTER_SEED ?? Math.floor(Math.random() * 2 ** 31));


const report = (line: string) => console.log(`  [process-cluster] ${line}`);
const ms = (value: number) => `${Math.round(value)} ms`;
const plain = (tree: Map<string, KeyState>) => Object.fromEntries([...tree].sort(([a], [b]) => a.localeCompare(b)));

const faults = suite('raft-kv: member processes under kill -9, SIGSTOP and restarts');

let cluster: ProcessCluster;

faults.before(async () => {
  const fromSources = process.env.FLOTILLA_TEST_CLI === 'dev';
  if (!fromSources) {
    const build = await ensureCompiledCli();
    if (build.built) report(`built dist/ in ${ms(build.ms)}`);
  }
  const started = performance.now();
  cluster = await ProcessCluster.start({
    size: 3,
    bin: fromSources ? DEV_BIN : RUN_BIN,
    raftKv: { tick: `${TICK_MS}ms`, electionTicks: ELECTION_TICKS, snapshotCount: SNAPSHOT_COUNT, catchUpEntries: CATCH_UP_ENTRIES },
    keepFiles: process.env.PROCESS_CLUSTER_KEEP === '1',
  });
  report(`seed ${seed}; 3 members up in ${ms(performance.now() - started)}; data and logs under ${cluster.root}`);
});

faults.after(async () => {
  await cluster?.destroy();
});

/** Starts any member an earlier failed test left down, then waits for one agreed leader. */
async function allUpWithOneLeader(): Promise<ProcessMember> {
  await cluster.startAll();
  return (await cluster.waitForOneLeader(20_000)).member;
}

/** Every member's own copy of `dir` (serializable reads) eventually equals `expected`. */
async function converged(members: ProcessMember[], dir: string, expected: Map<string, KeyState>, timeoutMs = 10_000): Promise<number> {
  let slowest = 0;
  for (const member of members) {
    const { ms: took } = await eventually(
      `${member.name} holds the same ${dir} as the cluster`,
      async () => {
        const own = await readTree(member.url, dir, { serializable: true, timeoutMs: 2_000 });
        assert.equal(plain(own), plain(expected));
      },
      timeoutMs,
    );
    slowest = Math.max(slowest, took);
  }
  return slowest;
}

faults('kill -9 of the leader under load: a new leader in time, no lost writes, a linearizable history', async () => {
  const random = seededRandom(seed);
  const { member: leader } = await cluster.waitForLeader();
  const recorder = new HistoryRecorder();
  const keys = Array.from({ length: 24 }, (_, i) => `pc/shared/k${i}`);
  const load = runKvLoad({
    recorder,
    targets: () => cluster.live().map((member) => member.url),
    clients: 8,
    keys,
    uniqueDir: 'pc/unique',
    durationMs: 6_000,
    opTimeoutMs: 3_000,
    random,
  });
  load.catch(() => undefined);
  await sleep(2_000);
  const killedPid = leader.pid;
  const killedAt = performance.now();
  await cluster.kill(leader.index);
  const { member: next } = await cluster.waitForLeader({ timeoutMs: 30_000 });
  const failoverMs = performance.now() - killedAt;
  report(`kill -9 of leader ${leader.name} (pid ${killedPid}); ${next.name} leads ${ms(failoverMs)} later (bound ${ms(FAILOVER_BOUND_MS)})`);
  const outcome = await load;
  report(`load: ${JSON.stringify(outcome.counts)}`);

  assert.equal(outcome.unexpected, [], 'answers no op expects');
  assert.ok(failoverMs <= FAILOVER_BOUND_MS, `a new leader took ${ms(failoverMs)}, over two election timeouts (${ms(2 * MAX_ELECTION_MS)}) plus ${ms(FAILOVER_BOUND_MS - 2 * MAX_ELECTION_MS)}`);

  for (const member of cluster.live()) {
    const unique = await readTree(member.url, 'pc/unique', { timeoutMs: 10_000 });
    const lost = [...outcome.acknowledged].filter(([key, value]) => unique.get(`/${key}`)?.value !== value);
    assert.equal(lost, [], `acknowledged writes missing on ${member.name}`);
    const phantom = [...unique.keys()].filter((key) => !outcome.acknowledged.has(key.slice(1)) && !outcome.uncertain.has(key.slice(1)));
    assert.equal(phantom, [], `keys on ${member.name} nobody wrote`);
  }

  const live = cluster.live();
  for (const key of keys) {
    const op = recorder.invoke(recorder.freshClient(), key, 'read');
    op.ok({ value: await readKey(live[Math.floor(random() * live.length)]!.url, key, { timeoutMs: 10_000 }) });
  }
  const history = recorder.history();
  const checkStarted = performance.now();
  const result = checkLinearizable(history, { timeoutMs: 30_000 });
  const indeterminate = history.filter((op) => op.ret === undefined).length;
  report(`history: ${history.length} ops (${indeterminate} indeterminate) on ${keys.length} keys; checked in ${ms(performance.now() - checkStarted)}: ${result.ok === true ? 'linearizable' : JSON.stringify(result.ok)}`);
  if (result.ok === false) assert.unreachable(`not linearizable:\n${result.message}\n${formatHistory(result.ops)}`);
  if (result.ok === 'unknown') assert.unreachable(`the checker gave up: ${result.reason}`);

  const restartMs = await cluster.startMember(leader.index);
  const caughtUp = await converged([leader], 'pc', await readTree(next.url, 'pc', { timeoutMs: 10_000 }));
  report(`the killed leader ${leader.name} restarted in ${ms(restartMs)} and caught up ${ms(caughtUp)} after it was up`);
});

/** Writes through live members until the pause has lasted `pauseMs` (and at least 5 times); every write must succeed. */
async function writeDuringPause(key: string, pausedAt: number, pauseMs: number): Promise<{ last: string; writes: number }> {
  let writes = 0;
  let last = '';
  while (writes < 5 || performance.now() - pausedAt < pauseMs) {
    const live = cluster.live();
    last = `during-pause-${writes}`;
    await writeKey(live[writes % live.length]!.url, key, last, 5_000);
    writes++;
  }
  return { last, writes };
}

/** After SIGCONT: a linearizable read on the resumed member is never stale, and its own copy catches up. */
async function checkResumed(member: ProcessMember, key: string, last: string): Promise<void> {
  const read = await readKey(member.url, key, { timeoutMs: 10_000 }).then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
  report(`linearizable GET on ${member.name} right after SIGCONT: ${JSON.stringify(read)}`);
  if ('value' in read) assert.is(read.value, last, `${member.name} answered a linearizable read with a stale value`);
  const { ms: caughtUp } = await eventually(
    `${member.name} catches up`,
    async () => assert.is(await readKey(member.url, key, { serializable: true, timeoutMs: 2_000 }), last),
    10_000,
  );
  report(`${member.name}'s own copy had the new value ${ms(caughtUp)} after SIGCONT`);
}

faults('SIGSTOP of a follower past the election timeout: writes go on; after SIGCONT it catches up under one leader', async () => {
  const leader = await allUpWithOneLeader();
  const follower = cluster.live().find((member) => member !== leader)!;
  cluster.pause(follower.index);
  const pausedAt = performance.now();
  let outcome: { last: string; writes: number };
  try {
    outcome = await writeDuringPause('pc/pause/follower', pausedAt, 2 * MAX_ELECTION_MS + 500);
  } finally {
    cluster.resume(follower.index);
  }
  report(`follower ${follower.name} paused ${ms(performance.now() - pausedAt)}; ${outcome.writes} writes meanwhile`);
  await checkResumed(follower, 'pc/pause/follower', outcome.last);
  const { member: after, ms: settled } = await cluster.waitForOneLeader(FAILOVER_BOUND_MS);
  report(`one leader (${after.name}${after === leader ? ', unchanged' : `, was ${leader.name}`}) ${ms(settled)} after catch-up`);
});

faults('SIGSTOP of the leader past the election timeout: another takes over; after SIGCONT the old one catches up under one leader', async () => {
  const leader = await allUpWithOneLeader();
  cluster.pause(leader.index);
  const pausedAt = performance.now();
  let outcome: { last: string; writes: number };
  let takeoverMs: number;
  let next: ProcessMember;
  try {
    ({ member: next } = await cluster.waitForLeader({ timeoutMs: 30_000 }));
    takeoverMs = performance.now() - pausedAt;
    outcome = await writeDuringPause('pc/pause/leader', pausedAt, 2 * MAX_ELECTION_MS + 500);
  } finally {
    cluster.resume(leader.index);
  }
  report(`leader ${leader.name} paused ${ms(performance.now() - pausedAt)}; ${next.name} led ${ms(takeoverMs)} after SIGSTOP; ${outcome.writes} writes meanwhile`);
  assert.ok(takeoverMs <= FAILOVER_BOUND_MS, `a new leader took ${ms(takeoverMs)} (bound ${ms(FAILOVER_BOUND_MS)})`);
  await checkResumed(leader, 'pc/pause/leader', outcome.last);
  const { member: after, ms: settled } = await cluster.waitForOneLeader(FAILOVER_BOUND_MS);
  report(`one leader (${after.name}) ${ms(settled)} after catch-up`);
});

/** Kills a follower, writes `count` keys, restarts it, and waits for its copy to match. */
async function followerCatchUp(dir: string, count: number): Promise<ProcessMember> {
  const leader = await allUpWithOneLeader();
  const follower = cluster.live().find((member) => member !== leader)!;
  await cluster.kill(follower.index);
  const keys = Array.from({ length: count }, (_, i) => `${dir}/k${i}`);
  for (let i = 0; i < keys.length; i += 8) {
    await Promise.all(keys.slice(i, i + 8).map((key) => writeKey(cluster.live()[0]!.url, key, `v-${key}`, 5_000)));
  }
  const expected = await readTree(leader.url, dir, { timeoutMs: 10_000 });
  assert.is(expected.size, count);
  const restartMs = await cluster.startMember(follower.index);
  const caughtUp = await converged([follower], dir, expected);
  report(`follower ${follower.name} killed, ${count} writes, restarted in ${ms(restartMs)}, caught up ${ms(caughtUp)} after it was up`);
  assert.equal(plain(await readTree(follower.url, 'pc', { serializable: true })), plain(await readTree(leader.url, 'pc', { timeoutMs: 10_000 })));
  return follower;
}

faults('kill -9 of a follower, writes, restart: it catches up from the log', async () => {
  const follower = await followerCatchUp('pc/catchup-log', 10);
  assert.not.ok(follower.log().includes(SNAPSHOT_FROM_LEADER), `${follower.name} needed a snapshot for 10 entries`);
});

faults(`kill -9 of a follower, writes past snapshotCount (${SNAPSHOT_COUNT}), restart: it catches up from a snapshot`, async () => {
  const follower = await followerCatchUp('pc/catchup-snapshot', 4 * SNAPSHOT_COUNT);
  assert.ok(follower.log().includes(SNAPSHOT_FROM_LEADER), `${follower.name} logged no "${SNAPSHOT_FROM_LEADER}"`);
});

faults('SIGTERM of every member (one long before the others) and a restart on the same data dirs keeps every key, value and modifiedIndex', async () => {
  const leader = await allUpWithOneLeader();
  const early = cluster.live().find((member) => member !== leader)!;
  const stopped = [{ name: early.name, ...(await cluster.stop(early.index)) }];
  const keys = Array.from({ length: 2 * SNAPSHOT_COUNT }, (_, i) => `pc/restart/k${i}`);
  for (let i = 0; i < keys.length; i += 8) {
    await Promise.all(keys.slice(i, i + 8).map((key) => writeKey(leader.url, key, `v-${key}`, 5_000)));
  }
  const before = await readTree(leader.url, 'pc', { timeoutMs: 10_000 });
  for (const member of cluster.live()) stopped.push({ name: member.name, ...(await cluster.stop(member.index)) });
  for (const exit of stopped) assert.equal([exit.name, exit.code, exit.signal], [exit.name, 0, null], 'a member stopped gracefully');

  const started = performance.now();
  await cluster.startAll();
  const { member: next } = await cluster.waitForOneLeader(20_000);
  report(`${early.name} stopped, ${keys.length} writes, the others stopped; all 3 restarted in ${ms(performance.now() - started)} (${next.name} leads); comparing ${before.size} keys`);
  const stayedUp = cluster.members.filter((member) => member !== early);
  for (const member of stayedUp) {
    const view = await readTree(member.url, 'pc', { timeoutMs: 10_000 });
    assert.equal(plain(view), plain(before), `${member.name}'s linearizable view after the restart`);
  }
  await converged(stayedUp, 'pc', before);
  const lagging = await readTree(early.url, 'pc', { timeoutMs: 8_000 }).then(
    (tree) => `${tree.size} keys`,
    (error: Error) => error.message,
  );
  report(`linearizable GET of /pc on ${early.name} (stopped before the last compactions): ${lagging}`);
  await converged([early], 'pc', before);
});

faults.run();
