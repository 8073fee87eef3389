import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flotilla } from '../../support/cli.js';
import type { MemoryJournal } from '../../support/memory-journal.js';
import type { TestNode } from '../../support/test-node.js';
import { startJournalNode, until } from './journal-node.js';

const test = suite('journal-api: flotilla journal');
let node: TestNode;
let journal: MemoryJournal;

test.before(async () => {
  ({ node, journal } = await startJournalNode());
});
test.after(async () => {
  await node?.stop();
});

const journalctl = (...args: string[]) => flotilla(['journal', ...args, '--endpoint', node.url]);

test('prints the short format by default, with filters and matches', async () => {
  const all = await journalctl('--utc');
  assert.is(all.error, undefined);
  assert.is(
    all.stdout,
    'Nov 27 22:33:12 node-1 app[10]: started\nNov 27 22:33:13 node-1 db[20]: slow query\nNov 27 22:33:14 node-1 app[10]: crashed\n',
  );
  assert.is((await journalctl('-u', 'app.service', '-p', 'err', '-o', 'cat')).stdout, 'crashed\n');
  assert.is((await journalctl('-o', 'cat', '-n', '2', '-r')).stdout, 'crashed\nslow query\n');
  assert.is((await journalctl('-o', 'cat', 'SYSLOG_IDENTIFIER=db')).stdout, 'slow query\n');
  assert.is((await journalctl('-o', 'cat', '--since', '2024-11-27T22:33:13Z', '--until', '2024-11-27T22:33:13Z')).stdout, 'slow query\n');
  assert.is((await journalctl('-u', 'none.service')).stdout, '-- No entries --\n');
});

test('json output, cursors', async () => {
  const json = await journalctl('-o', 'json', '-n', '1');
  const entry = JSON.parse(json.stdout);
  assert.is(entry.MESSAGE, 'crashed');
  assert.is(entry.__REALTIME_TIMESTAMP, String(journal.entries[2]!.realtimeUs));
  const shown = await journalctl('-o', 'cat', '--show-cursor', '-n', '1');
  assert.is(shown.stdout, `crashed\n-- cursor: ${journal.entries[2]!.cursor}\n`);
  assert.is((await journalctl('-o', 'cat', '--after-cursor', journal.entries[1]!.cursor)).stdout, 'crashed\n');
  assert.is((await journalctl('-o', 'cat', '-c', journal.entries[1]!.cursor)).stdout, 'slow query\ncrashed\n');
  assert.is((await journalctl('--json', '-n', '1')).stdout.trim(), json.stdout.trim());
});

test('bad input fails with a message', async () => {
  const priority = await journalctl('-p', 'loud');
  assert.match(priority.error!.message, /Unknown log level "loud"/);
  const match = await journalctl('pid=1');
  assert.match(match.error!.message, /Invalid field name "pid"/);
  const both = await journalctl('-f', '-r');
  assert.match(both.error!.message, /either --reverse or --follow/);
  const since = await journalctl('--since', 'someday');
  assert.match(since.error!.message, /Failed to parse timestamp: "someday"/);
  const down = await flotilla(['journal', '--endpoint', 'http://127.0.0.1:1']);
  assert.match(down.error!.message, /cannot reach a node/);
});

test('-f prints the last entries and new ones until SIGINT', async () => {
  const run = journalctl('-f', '-o', 'cat', '-u', 'app.service');
  await until(() => journal.watchers === 1, 'the follow to start');
  await journal.append({ _SYSTEMD_UNIT: 'app.service', MESSAGE: 'back up' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.emit('SIGINT');
  const { stdout, error } = await run;
  assert.is(error, undefined);
  assert.is(stdout, 'started\ncrashed\nback up\n');
  await until(() => journal.watchers === 0, 'the follow to end');
});

test.run();
