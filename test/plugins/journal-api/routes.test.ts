import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestNode } from '../../support/test-node.js';
import type { MemoryJournal } from '../../support/memory-journal.js';
import { startJournalNode, until } from './journal-node.js';

const test = suite('journal-api: GET /v1/journal');
let node: TestNode;
let journal: MemoryJournal;

test.before(async () => {
  ({ node, journal } = await startJournalNode());
});
test.after(async () => {
  await node?.stop();
});

const get = (query: string) => fetch(`${node.url}/v1/journal${query}`);
const messages = async (query: string) => {
  const response = await get(query);
  assert.is(response.status, 200, query);
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).MESSAGE as string);
};

test('json lines by default, with the address fields as strings', async () => {
  const response = await get('');
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type')!, /application\/x-ndjson/);
  const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.is(lines.length, 3);
  assert.is(lines[0].__CURSOR, journal.entries[0]!.cursor);
  assert.is(lines[0].__REALTIME_TIMESTAMP, String(journal.entries[0]!.realtimeUs));
  assert.is(typeof lines[0].__MONOTONIC_TIMESTAMP, 'string');
});

test('filters: unit, matches, priority, time, lines, cursors, reverse', async () => {
  assert.equal(await messages('?unit=app.service'), ['started', 'crashed']);
  assert.equal(await messages('?unit=app.service&unit=db.service&priority=warning'), ['slow query', 'crashed']);
  assert.equal(await messages('?SYSLOG_IDENTIFIER=db'), ['slow query']);
  assert.equal(await messages('?match=_PID=10&match=_PID=20&priority=info..warning'), ['started', 'slow query']);
  assert.equal(await messages('?priority=err'), ['crashed']);
  assert.equal(await messages('?since=2024-11-27T22:33:13Z'), ['slow query', 'crashed']);
  assert.equal(await messages('?until=2024-11-27T22:33:13Z'), ['started', 'slow query']);
  assert.equal(await messages('?lines=2'), ['slow query', 'crashed']);
  assert.equal(await messages('?n=1&reverse=true'), ['crashed']);
  assert.equal(await messages('?reverse'), ['crashed', 'slow query', 'started']);
  assert.equal(await messages(`?after-cursor=${encodeURIComponent(journal.entries[0]!.cursor)}`), ['slow query', 'crashed']);
  assert.equal(await messages(`?cursor=${encodeURIComponent(journal.entries[1]!.cursor)}`), ['slow query', 'crashed']);
  assert.equal(await messages('?unit=none.service'), []);
});

test('other output formats', async () => {
  const short = await get('?output=cat&unit=app.service');
  assert.match(short.headers.get('content-type')!, /text\/plain/);
  assert.is(await short.text(), 'started\ncrashed\n');
  const verbose = await (await get('?output=verbose&lines=1')).text();
  assert.match(verbose, /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000 \S+ \[s=memory;i=3\]\n {4}_HOSTNAME=node-1\n/);
  assert.match(await (await get('?output=short&lines=1')).text(), /^Nov 2[78] \d\d:33:14 node-1 app\[10\]: crashed\n$/);
});

test('bad parameters answer 400 with a message', async () => {
  for (const [query, message] of [
    ['?priority=loud', /Unknown log level "loud"/],
    ['?since=someday', /Failed to parse timestamp: "someday"/],
    ['?match=lower=x', /Invalid field name "lower"/],
    ['?output=xml', /Unknown output format "xml"/],
    ['?lines=-3', /Invalid number of lines/],
    ['?follow=true&reverse=true', /either reverse or follow/],
    ['?what=1', /Unknown parameter "what"/],
  ] as const) {
    const response = await get(query);
    assert.is(response.status, 400, query);
    const body = (await response.json()) as { error: { code: number; message: string } };
    assert.is(body.error.code, 400);
    assert.match(body.error.message, message, query);
  }
});

test('a failing query answers with an error status, not a cut stream', async () => {
  const response = await get('?cursor=nonsense');
  assert.is(response.status, 500);
});

test('follow streams the last entries, then new ones, and stops watching when the client goes', async () => {
  const abort = new AbortController();
  const response = await fetch(`${node.url}/v1/journal?follow=true&unit=app.service&output=cat`, { signal: abort.signal });
  assert.is(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
  };
  await readUntil(/started\ncrashed\n/);
  await until(() => journal.watchers === 1, 'the follow to start');
  await journal.append({ _SYSTEMD_UNIT: 'db.service', MESSAGE: 'not mine' });
  await journal.append({ _SYSTEMD_UNIT: 'app.service', MESSAGE: 'restarted' });
  await readUntil(/restarted\n/);
  assert.is(text, 'started\ncrashed\nrestarted\n');
  abort.abort();
  await reader.cancel().catch(() => {});
  await until(() => journal.watchers === 0, 'the follow to end');
});

test('follow with lines=0 shows only new entries; entries after the last shown are not lost', async () => {
  const abort = new AbortController();
  const response = await fetch(`${node.url}/v1/journal?follow=1&lines=0&output=cat&SYSLOG_IDENTIFIER=late`, { signal: abort.signal });
  const reader = response.body!.getReader();
  await until(() => journal.watchers === 1, 'the follow to start');
  await journal.append({ SYSLOG_IDENTIFIER: 'late', MESSAGE: 'fresh' });
  const { value } = await reader.read();
  assert.is(new TextDecoder().decode(value), 'fresh\n');
  abort.abort();
  await until(() => journal.watchers === 0, 'the follow to end');
});

test.run();
