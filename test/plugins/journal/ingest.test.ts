import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JournalFields } from '../../../core/index.js';
import { journalConfigSchema } from '../../../plugins/journal/config.js';
import { LineSplitter } from '../../../plugins/journal/ingest/line-splitter.js';
import { parsePriorityPrefix } from '../../../plugins/journal/ingest/priority-prefix.js';
import { StreamIngest } from '../../../plugins/journal/ingest/stream-ingest.js';
import { processExitEntry, unitStateEntry } from '../../../plugins/journal/ingest/supervisor-events.js';
import { tempDir } from '../../support/temp-dir.js';
import { messages, openStore } from './helpers.js';

const test = suite('journal: ingest');

test('line splitter keeps partial lines across chunks', () => {
  const s = new LineSplitter(100);
  assert.equal(s.push('hel'), []);
  assert.equal(s.push('lo\nwor'), [{ text: 'hello', lineBreak: 'newline' }]);
  assert.equal(s.push('ld\n\nx\0y'), [
    { text: 'world', lineBreak: 'newline' },
    { text: '', lineBreak: 'newline' },
    { text: 'x', lineBreak: 'nul' },
  ]);
  assert.equal(s.end(), [{ text: 'y', lineBreak: 'eof' }]);
  assert.equal(s.end(), []);
});

test('line splitter cuts long lines at lineMax on a character boundary', () => {
  const s = new LineSplitter(10);
  assert.equal(s.push('abcdefghijklmnopqrstuvwxy'), [
    { text: 'abcdefghij', lineBreak: 'line-max' },
    { text: 'klmnopqrst', lineBreak: 'line-max' },
  ]);
  assert.equal(s.push('\n'), [{ text: 'uvwxy', lineBreak: 'newline' }]);
  assert.equal(s.push('0123456789\n'), [{ text: '0123456789', lineBreak: 'newline' }]);
  const u = new LineSplitter(10);
  const lines = u.push(Buffer.from(`${'é'.repeat(8)}\n`));
  assert.equal(lines.map((l) => l.text), ['ééééé', 'ééé']);
  assert.ok(lines.every((l) => Buffer.byteLength(l.text) <= 10));
});

test('<N> prefixes set the priority', () => {
  assert.equal(parsePriorityPrefix('<3>boom'), { priority: 3, message: 'boom' });
  assert.equal(parsePriorityPrefix('<7>'), { priority: 7, message: '' });
  assert.equal(parsePriorityPrefix('<8>no'), { message: '<8>no' });
  assert.equal(parsePriorityPrefix('<12>no'), { message: '<12>no' });
  assert.equal(parsePriorityPrefix('plain'), { message: 'plain' });
});

test('stream ingest: stdout info, stderr err, prefixes, line breaks', async () => {
  const got: JournalFields[] = [];
  const journal = { append: async (f: JournalFields | readonly JournalFields[]) => void got.push(...(Array.isArray(f) ? f : [f])) };
  const out = new StreamIngest(journal, { unit: 'web.service', stream: 'stdout', pid: 42, lineMax: 8 });
  const err = new StreamIngest(journal, { unit: 'web.service', stream: 'stderr', pid: 42, lineMax: 8 });
  await out.write('hi\n<4>warn\npart');
  await err.write('bad\n');
  await out.write('123456789');
  await out.end();
  assert.equal(
    got.map((f) => [f.MESSAGE, f.PRIORITY, f._LINE_BREAK]),
    [
      ['hi', '6', undefined],
      ['warn', '4', undefined],
      ['bad', '3', undefined],
      ['part1234', '6', 'line-max'],
      ['56789', '6', 'eof'],
    ],
  );
  assert.is(got[0]!._SYSTEMD_UNIT, 'web.service');
  assert.is(got[0]!._PID, '42');
  assert.is(got[0]!._TRANSPORT, 'stdout');
  assert.is(got[0]!.SYSLOG_IDENTIFIER, 'web');
  assert.is(got[0]!._STREAM_ID, got[1]!._STREAM_ID);
  assert.is.not(got[0]!._STREAM_ID, got[2]!._STREAM_ID);
});

test('stream ingest into the store', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path);
  try {
    const s = new StreamIngest(store, { unit: 'x.service', stream: 'stderr', lineMax: journalConfigSchema.parse({}).lineMax });
    await s.write('<2>crit\nerr\n');
    assert.equal(await messages(store, { units: ['x.service'], priority: { max: 2 } }), ['crit']);
    assert.equal(await messages(store, { units: ['x.service'], priority: { max: 3 } }), ['crit', 'err']);
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('supervisor events read like systemd', () => {
  const started = unitStateEntry({
    name: 'web.service',
    previous: { activeState: 'activating', subState: 'start' },
    current: { name: 'web.service', loadState: 'loaded', activeState: 'active', subState: 'running', mainPid: 7, description: 'Web' },
  });
  assert.equal(started && [started.MESSAGE, started.PRIORITY, started.UNIT, started._SYSTEMD_UNIT, started.MAIN_PID], ['Started Web.', '6', 'web.service', 'web.service', '7']);
  const failed = unitStateEntry({
    name: 'web.service',
    previous: { activeState: 'active', subState: 'running' },
    current: { name: 'web.service', loadState: 'loaded', activeState: 'failed', subState: 'exit-code' },
  });
  assert.is(failed?.MESSAGE, "web.service: Failed with result 'exit-code'.");
  assert.is(failed?.PRIORITY, '4');
  assert.is(processExitEntry({ unit: 'a.service', pid: 9, code: 1 }).MESSAGE, 'a.service: Main process exited, code=exited, status=1/FAILURE');
  assert.is(processExitEntry({ unit: 'a.service', pid: 9, signal: 'SIGKILL' }).EXIT_CODE, 'killed');
  assert.is(processExitEntry({ unit: 'a.service', pid: 9, signal: 'SIGKILL' }).MESSAGE, 'a.service: Main process exited, code=killed, status=9/KILL');
});

test('config defaults follow journald', () => {
  const c = journalConfigSchema.parse({});
  assert.is(c.rateLimitInterval, 30_000);
  assert.is(c.rateLimitBurst, 10_000);
  assert.is(c.flushInterval, 100);
  assert.is(c.maxRetention, 0);
  assert.is(journalConfigSchema.parse({ maxUse: '2GiB' }).maxUse, 2 * 1024 ** 3);
  assert.throws(() => journalConfigSchema.parse({ maxFileSize: '5GiB' }));
});

test.run();
