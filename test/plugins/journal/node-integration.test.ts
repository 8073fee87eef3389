import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE } from '../../../core/index.js';
import journal from '../../../plugins/journal/index.js';
import type { JournalStore } from '../../../plugins/journal/store/journal-store.js';
import { JOURNAL } from '../../../plugins/journal/tokens.js';
import { flotilla } from '../../support/cli.js';
import { curl } from '../../support/curl.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

// The journal plugin in a running node: the real store behind GET /v1/journal and `flotilla journal`.
const wired = suite('journal: in a node, through the API and the CLI');

let node: TestNode;
let store: JournalStore;

wired.before(async () => {
  node = await startTestNode({ catalog: [journal], config: { plugins: { journal: { flushInterval: '10ms' } } } });
  store = node.kernel.container.resolve(JOURNAL.Store);
  const contract = node.kernel.container.resolve(CORE.Journal);
  assert.is(contract, store);
  for (let i = 1; i <= 5; i++) {
    await contract.append([
      { MESSAGE: `a says ${i}`, PRIORITY: '6', _SYSTEMD_UNIT: 'a.service', SYSLOG_IDENTIFIER: 'a' },
      { MESSAGE: `b failed ${i}`, PRIORITY: '3', _SYSTEMD_UNIT: 'b.service', SYSLOG_IDENTIFIER: 'b' },
    ]);
  }
  await store.flush();
});

wired.after(async () => {
  await node?.stop();
});

wired('GET /v1/journal filters by unit and priority and returns the newest N as JSON lines', async () => {
  const last2 = await curl(`${node.url}/v1/journal?unit=a.service&lines=2`);
  assert.is(last2.status, 200);
  const entries = last2.body.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(entries.map((e) => e.MESSAGE), ['a says 4', 'a says 5']);
  assert.match(entries[0].__CURSOR, /.+/);
  const errors = (await curl(`${node.url}/v1/journal?priority=err&output=cat`)).body.trim().split('\n');
  assert.equal(errors, ['b failed 1', 'b failed 2', 'b failed 3', 'b failed 4', 'b failed 5']);
  const bad = await curl(`${node.url}/v1/journal?priority=loud`);
  assert.is(bad.status, 400);
  assert.match(bad.json().error.message, /priority/i);
});

wired('after-cursor resumes exactly after an entry', async () => {
  const all = (await curl(`${node.url}/v1/journal?unit=b.service`)).body.trim().split('\n').map((line) => JSON.parse(line));
  const after = (await curl(`${node.url}/v1/journal?unit=b.service&after-cursor=${encodeURIComponent(all[2].__CURSOR)}&output=cat`)).body.trim().split('\n');
  assert.equal(after, ['b failed 4', 'b failed 5']);
});

wired('follow streams entries written after it started, and its watcher goes when the client does', async () => {
  const controller = new AbortController();
  const response = await fetch(`${node.url}/v1/journal?unit=c.service&follow=true&lines=0&output=cat`, { signal: controller.signal });
  const reader = response.body!.getReader();
  await store.append({ MESSAGE: 'c arrives', PRIORITY: '6', _SYSTEMD_UNIT: 'c.service' });
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value!).toString('utf8');
  }
  assert.is(text.trim(), 'c arrives');
  controller.abort();
  for (let i = 0; i < 100 && store.followers > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.is(store.followers, 0);
});

wired('--disk-usage and --vacuum-size report and trim through the node', async () => {
  const usage = await flotilla(['journal', '--disk-usage', '--endpoint', node.url]);
  assert.match(usage.stdout, /^Archived and active journals take up [\d.]+[BKMG] in the file system \(\d+ files, \d+ entries\)\./);
  const vacuum = await flotilla(['journal', '--vacuum-size', '1G', '--endpoint', node.url]);
  assert.match(vacuum.stdout, /^Vacuuming done, freed 0B of archived journals \(0 files\)\./);
  const bad = await curl(`${node.url}/v1/journal/vacuum?size=lots`, ['-X', 'POST']);
  assert.is(bad.status, 400);
  const none = await curl(`${node.url}/v1/journal/vacuum`, ['-X', 'POST']);
  assert.is(none.status, 400);
});

wired('flotilla journal prints journalctl formats from the node', async () => {
  const cat = await flotilla(['journal', '-u', 'a.service', '-n', '3', '-o', 'cat', '--endpoint', node.url]);
  assert.is(cat.error, undefined);
  assert.equal(cat.stdout.trim().split('\n'), ['a says 3', 'a says 4', 'a says 5']);
  const short = await flotilla(['journal', '-u', 'b.service', '-n', '1', '--endpoint', node.url]);
  assert.match(short.stdout.trim(), /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ b: b failed 5$/);
});

wired.run();
