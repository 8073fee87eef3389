import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JournalEntry } from '../../../core/index.js';
import { entryFromJson, formatEntry } from '../../../plugins/journal/format/index.js';

const test = suite('journal-api: output formats');

// 2024-11-27 22:33:12.345678 UTC
const realtimeUs = 1_732_746_792_345_678n;
const app: JournalEntry = {
  fields: { _HOSTNAME: 'node-1', SYSLOG_IDENTIFIER: 'app', _COMM: 'node', _PID: '1234', PRIORITY: '6', MESSAGE: 'listening on :8080', _SYSTEMD_UNIT: 'app.service' },
  cursor: 's=abc;i=1',
  realtimeUs,
  monotonicUs: 5_123_456_789n,
};
const failing: JournalEntry = {
  fields: { _HOSTNAME: 'node-1', _COMM: 'worker', _PID: '77', PRIORITY: '3', MESSAGE: 'boom\nat line 2' },
  cursor: 's=abc;i=2',
  realtimeUs: realtimeUs + 1_000_000n,
  monotonicUs: 5_124_456_789n,
};
const bare: JournalEntry = { fields: { MESSAGE: 'hi' }, cursor: 'c3', realtimeUs, monotonicUs: 42n };
const silent: JournalEntry = { fields: { _PID: '1' }, cursor: 'c4', realtimeUs, monotonicUs: 42n };
const utc = { utc: true };

test('short and its variants', () => {
  assert.is(formatEntry(app, 'short', utc), 'Nov 27 22:33:12 node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-precise', utc), 'Nov 27 22:33:12.345678 node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-iso', utc), '2024-11-27T22:33:12+00:00 node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-iso-precise', utc), '2024-11-27T22:33:12.345678+00:00 node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-full', utc), 'Wed 2024-11-27 22:33:12 UTC node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-unix', utc), '1732746792.345678 node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'short-monotonic', utc), '[ 5123.456789] node-1 app[1234]: listening on :8080');
  assert.is(formatEntry(app, 'with-unit', utc), 'Wed 2024-11-27 22:33:12 UTC node-1 app.service[1234]: listening on :8080');
});

test('short falls back to _COMM, indents continuation lines, and skips entries without MESSAGE', () => {
  const prefix = 'Nov 27 22:33:13 node-1 worker[77]: ';
  assert.is(formatEntry(failing, 'short', utc), `${prefix}boom\n${' '.repeat(prefix.length)}at line 2`);
  assert.is(formatEntry(bare, 'short', utc), 'Nov 27 22:33:12 unknown: hi');
  assert.is(formatEntry(silent, 'short', utc), undefined);
  assert.is(formatEntry(silent, 'cat', utc), undefined);
});

test('short uses local time without --utc', () => {
  const local = new Date(Number(realtimeUs / 1000n));
  assert.ok(formatEntry(app, 'short')!.includes(` ${String(local.getHours()).padStart(2, '0')}:33:12 `));
});

test('colour by priority', () => {
  assert.is(formatEntry(failing, 'cat', { colour: true }), '\x1b[0;1;31mboom\x1b[0m\n\x1b[0;1;31mat line 2\x1b[0m');
  assert.is(formatEntry(app, 'cat', { colour: true }), 'listening on :8080');
  assert.is(formatEntry({ ...bare, fields: { MESSAGE: 'careful', PRIORITY: '4' } }, 'cat', { colour: true }), '\x1b[0;1;33mcareful\x1b[0m');
  assert.is(
    formatEntry(failing, 'short', { utc: true, colour: true })!.split('\n')[0],
    'Nov 27 22:33:13 node-1 worker[77]: \x1b[0;1;31mboom\x1b[0m',
  );
  assert.is(formatEntry(failing, 'cat'), 'boom\nat line 2');
});

test('json: address fields as strings, one line', () => {
  const line = formatEntry(app, 'json')!;
  assert.not.match(line, /\n/);
  const object = JSON.parse(line);
  assert.equal(Object.keys(object).slice(0, 3), ['__CURSOR', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP']);
  assert.is(object.__CURSOR, 's=abc;i=1');
  assert.is(object.__REALTIME_TIMESTAMP, '1732746792345678');
  assert.is(object.__MONOTONIC_TIMESTAMP, '5123456789');
  assert.is(object.MESSAGE, 'listening on :8080');
  assert.equal(entryFromJson(line), app);
});

test('json: values over 4096 bytes are null unless all', () => {
  const big: JournalEntry = { ...bare, fields: { MESSAGE: 'x'.repeat(5000) } };
  assert.is(JSON.parse(formatEntry(big, 'json')!).MESSAGE, null);
  assert.is(JSON.parse(formatEntry(big, 'json', { all: true })!).MESSAGE.length, 5000);
});

test('json-pretty, json-seq, json-sse', () => {
  assert.is(
    formatEntry(bare, 'json-pretty'),
    '{\n\t"__CURSOR" : "c3",\n\t"__REALTIME_TIMESTAMP" : "1732746792345678",\n\t"__MONOTONIC_TIMESTAMP" : "42",\n\t"MESSAGE" : "hi"\n}',
  );
  assert.is(formatEntry(bare, 'json-seq'), '\x1e{"__CURSOR":"c3","__REALTIME_TIMESTAMP":"1732746792345678","__MONOTONIC_TIMESTAMP":"42","MESSAGE":"hi"}');
  assert.is(formatEntry(bare, 'json-sse'), 'data: {"__CURSOR":"c3","__REALTIME_TIMESTAMP":"1732746792345678","__MONOTONIC_TIMESTAMP":"42","MESSAGE":"hi"}\n');
});

test('cat and verbose', () => {
  assert.is(formatEntry(app, 'cat'), 'listening on :8080');
  assert.is(
    formatEntry(bare, 'verbose', utc),
    'Wed 2024-11-27 22:33:12.345678 UTC [c3]\n    MESSAGE=hi',
  );
  const verbose = formatEntry(app, 'verbose', utc)!.split('\n');
  assert.is(verbose.length, 1 + Object.keys(app.fields).length);
  assert.ok(verbose.includes('    _SYSTEMD_UNIT=app.service'));
});

test('reading json back refuses what is not an entry', () => {
  assert.throws(() => entryFromJson('nope'), /not a JSON journal entry/);
  assert.throws(() => entryFromJson('[]'), /must be a JSON object/);
  assert.throws(() => entryFromJson('{"__REALTIME_TIMESTAMP":"1","__MONOTONIC_TIMESTAMP":"1"}'), /without __CURSOR/);
  assert.throws(() => entryFromJson('{"__CURSOR":"c","__REALTIME_TIMESTAMP":1,"__MONOTONIC_TIMESTAMP":"1"}'), /__REALTIME_TIMESTAMP/);
});

test.run();
