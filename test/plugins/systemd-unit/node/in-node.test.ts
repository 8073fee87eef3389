import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import journal from '../../../../plugins/journal/index.js';
import type { JournalStore } from '../../../../plugins/journal/store/journal-store.js';
import { JOURNAL } from '../../../../plugins/journal/tokens.js';
import systemdUnit from '../../../../plugins/systemd-unit/index.js';
import { isGone, readProcessStat } from '../../../../plugins/systemd-unit/process/process-group.js';
import { flotilla } from '../../../support/cli.js';
import { curl } from '../../../support/curl.js';
import { tempDir } from '../../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../../support/test-node.js';
import { eventually } from '../process/helpers.js';
import {
  APP_UNIT_FILE,
  eventuallyAsync,
  isRunning,
  killRecorded,
  putUnitFile,
  snapshotGroup,
  stripAnsi,
  unitVerb,
  type UnitProcess,
} from './helpers.js';

// The journal and systemd-unit plugins in a running node, with real unit processes: the seed's
// demo unit loaded, started, followed in the journal, shown by `flotilla unit status`, stopped,
// enabled and started again by a node restarted on the same data directory.
const test = suite('systemd-unit: the demo unit in a node');

const UNIT = 'app.1.service';
/** Bounds only keep a broken run from hanging; nothing here depends on how long anything takes. */
const HANG_GUARD_MS = 30_000;

/** Outlives both node runs: the data directory the restarted node must find again. */
const home = tempDir('flotilla-units-node-');
const config = {
  node: { name: 'units-node' },
  dataDir: path.join(home.path, 'data'),
  plugins: { journal: { flushInterval: '10ms' }, 'systemd-unit': {} },
};
const unitDir = path.join(home.path, 'data', 'plugins', 'systemd-unit', 'units');

let node: TestNode | undefined;
/** Every unit process seen, so that nothing outlives the suite whatever fails. */
const seen: UnitProcess[] = [];
let firstMainPid = 0;

const startNode = () => startTestNode({ catalog: [journal, systemdUnit], config });

interface WireStatus {
  name: string;
  activeState: string;
  subState: string;
  loadState: string;
  mainPid?: number;
  unitFileState?: string;
}

async function unitDetail(name: string): Promise<WireStatus> {
  const answer = await curl(`${node!.url}/v1/units/${name}`);
  assert.is(answer.status, 200, answer.body);
  return answer.json();
}

test.before(async () => {
  node = await startNode();
});

test.after(async () => {
  try {
    await node?.stop();
  } finally {
    for (const proc of seen) killRecorded(proc);
    home.cleanup();
  }
});

test('a unit PUT to /v1/units and started by POST runs as a process of its own session', async () => {
  const loaded = await putUnitFile(node!.url, UNIT, APP_UNIT_FILE);
  assert.is(loaded.status, 200, loaded.body);
  assert.is(loaded.json().loadState, 'loaded');
  assert.ok(existsSync(path.join(unitDir, UNIT)), 'the node wrote the unit into its unit directory');

  const started = await unitVerb(node!.url, UNIT, 'start');
  assert.is(started.status, 200, started.body);
  const status: WireStatus = started.json();
  assert.equal([status.activeState, status.subState], ['active', 'running']);
  assert.type(status.mainPid, 'number');
  firstMainPid = status.mainPid!;
  const stat = readProcessStat(firstMainPid);
  assert.ok(stat && !isGone(stat), 'the main process runs');
  assert.is(stat!.comm, 'sh');
  assert.is(stat!.pgrp, firstMainPid, 'it leads its process group');
  assert.is(stat!.session, firstMainPid, 'and its session');
  seen.push(...snapshotGroup(firstMainPid));
});

test('GET /v1/journal?unit=…&follow=true streams its Hello World lines as they are written; the follower goes with the client', async () => {
  const store: JournalStore = node!.kernel.container.resolve(JOURNAL.Store);
  const followersBefore = store.followers;
  const controller = new AbortController();
  const guard = setTimeout(() => controller.abort(new Error('no two Hello World lines arrived')), HANG_GUARD_MS);
  // lines=0: nothing from before the follow began, so every line read was written while it ran.
  const response = await fetch(`${node!.url}/v1/journal?unit=${UNIT}&follow=true&lines=0`, { signal: controller.signal });
  assert.is(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const entries: Record<string, string>[] = [];
  let pending = '';
  let followersDuring: number | undefined;
  try {
    while (entries.filter((entry) => entry.MESSAGE === 'Hello World').length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      followersDuring ??= store.followers;
      pending += decoder.decode(value, { stream: true });
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        entries.push(JSON.parse(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
      }
    }
  } finally {
    clearTimeout(guard);
    controller.abort();
  }
  const hellos = entries.filter((entry) => entry.MESSAGE === 'Hello World');
  assert.is(hellos.length, 2, JSON.stringify(entries));
  for (const entry of hellos) {
    assert.is(entry._SYSTEMD_UNIT, UNIT);
    assert.is(entry._PID, String(firstMainPid));
    assert.is(entry.SYSLOG_IDENTIFIER, 'app.1');
  }
  assert.is.not(hellos[0]!.__CURSOR, hellos[1]!.__CURSOR, 'two entries, not one twice');
  assert.is(followersDuring, followersBefore + 1, 'the follow held one follower while it ran');
  await eventually(() => store.followers === followersBefore, 'the follower to go once the client aborted', HANG_GUARD_MS);
  assert.is(store.followers, followersBefore);
});

test('flotilla unit status shows it active (running), its main PID and its Hello World lines', async () => {
  const { stdout, stderr, error } = await flotilla(['unit', 'status', UNIT, '--endpoint', node!.url]);
  assert.is(error, undefined, stderr);
  const lines = stripAnsi(stdout).trimEnd().split('\n');
  assert.is(lines[0], `● ${UNIT} - Hello World, once a second`);
  assert.is(lines[1], `     Loaded: loaded (${path.join(unitDir, UNIT)}; disabled)`);
  assert.match(lines[2]!, /^ {5}Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+; .+ ago$/);
  assert.ok(lines.includes(`   Main PID: ${firstMainPid} (sh)`), stdout);
  const journalLines = lines.slice(lines.indexOf('') + 1);
  assert.ok(journalLines.length > 0 && journalLines.length <= 10, stdout);
  assert.ok(
    journalLines.some((line) => line.endsWith(`app.1[${firstMainPid}]: Hello World`)),
    `no Hello World among the journal lines:\n${stdout}`,
  );
});

test('stop through the API ends its processes', async () => {
  const group = snapshotGroup(firstMainPid);
  seen.push(...group);
  assert.ok(group.some((proc) => proc.pid === firstMainPid));
  const stopped = await unitVerb(node!.url, UNIT, 'stop');
  assert.is(stopped.status, 200, stopped.body);
  const status: WireStatus = stopped.json();
  assert.equal([status.activeState, status.subState], ['inactive', 'dead']);
  assert.is(status.mainPid, undefined);
  // The node is the main process's parent and has reaped it by the time the stop job is done.
  assert.not.ok(existsSync(`/proc/${firstMainPid}`), `/proc/${firstMainPid} is still there`);
  // The rest of the group (a `sleep 1`) is reaped by whoever inherited it; a zombie counts as gone.
  for (const proc of group) assert.not.ok(isRunning(proc), `pid ${proc.pid} of the unit still runs`);
});

test('an enabled unit is started by the node when it starts again on the same data directory', async () => {
  const enabled = await unitVerb(node!.url, UNIT, 'enable');
  assert.is(enabled.status, 200, enabled.body);
  const link = path.join(unitDir, 'multi-user.target.wants', UNIT);
  assert.equal(enabled.json().changes, [{ type: 'symlink', path: link, target: path.join(unitDir, UNIT) }]);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.is(readlinkSync(link), path.join(unitDir, UNIT));

  await node!.stop();
  node = undefined;
  node = await startNode();

  const status = await unitDetail(UNIT);
  assert.equal([status.activeState, status.subState, status.unitFileState], ['active', 'running', 'enabled']);
  assert.type(status.mainPid, 'number');
  const mainPid = status.mainPid!;
  assert.is.not(mainPid, firstMainPid);
  seen.push(...snapshotGroup(mainPid));
  assert.ok(!isGone(readProcessStat(mainPid)), 'the unit started at boot runs');

  // Its output reaches the journal, which still holds the first run's lines beside the new ones.
  await eventuallyAsync(async () => {
    const lines = await curl(`${node!.url}/v1/journal?unit=${UNIT}&_PID=${mainPid}&output=cat`);
    return /^Hello World$/m.test(lines.body);
  }, 'a Hello World line from the unit started at boot');
  const oldLines = (await curl(`${node!.url}/v1/journal?unit=${UNIT}&_PID=${firstMainPid}&output=cat`)).body;
  assert.match(oldLines, /^Hello World$/m);

  // A node that stops stops its units.
  const group = snapshotGroup(mainPid);
  seen.push(...group);
  await node!.stop();
  node = undefined;
  for (const proc of group) assert.not.ok(isRunning(proc), `pid ${proc.pid} outlived the node's stop`);
  // Nothing is left for the next start to stop.
  const ledger = JSON.parse(readFileSync(path.join(home.path, 'data', 'plugins', 'systemd-unit', 'processes.json'), 'utf8'));
  assert.equal(ledger.groups, []);
});

test.run();
