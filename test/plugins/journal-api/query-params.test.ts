import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJournalRequest } from '../../../plugins/journal/routes.js';
import { paramsFromQuery, parsePriority, parseQuerySpec, queryFromParams, QueryParamError } from '../../../plugins/journal/query-params.js';

const test = suite('journal-api: query parameters');
const now = new Date(Date.UTC(2024, 10, 27, 22, 0, 0));
const q = (text: string) => queryFromParams(new URLSearchParams(text), now);
const refused = (text: string, message: RegExp) =>
  assert.throws(() => q(text), (error: Error) => error instanceof QueryParamError && message.test(error.message), text);

test('priorities like journalctl', () => {
  assert.equal(parsePriority('err'), { max: 3 });
  assert.equal(parsePriority('3'), { max: 3 });
  assert.equal(parsePriority('warning..err'), { min: 3, max: 4 });
  assert.equal(parsePriority('err..warning'), { min: 3, max: 4 });
  assert.equal(parsePriority('..notice'), { min: 0, max: 5 });
  assert.equal(parsePriority('info..'), { min: 6, max: 7 });
  assert.equal(parsePriority('DEBUG'), { max: 7 });
  assert.throws(() => parsePriority('8'), /Unknown log level "8"/);
  assert.throws(() => parsePriority('loud'), /Unknown log level "loud"/);
  assert.throws(() => parsePriority('..'), /Invalid priority range/);
});

test('every parameter', () => {
  const query = q('unit=a.service&unit=b.service&match=_PID=12&SYSLOG_IDENTIFIER=app&match=_PID=13&priority=err&since=2024-11-27T21:00:00Z&until=-5min&lines=20&after-cursor=s%3Dx&reverse=true');
  assert.equal(query, {
    units: ['a.service', 'b.service'],
    matches: { _PID: ['12', '13'], SYSLOG_IDENTIFIER: ['app'] },
    priority: { max: 3 },
    since: new Date(Date.UTC(2024, 10, 27, 21)),
    until: new Date(now.getTime() - 300_000),
    lines: 20,
    afterCursor: 's=x',
    reverse: true,
  });
  assert.equal(q('n=5&cursor=abc'), { lines: 5, cursor: 'abc' });
  assert.equal(q('lines=all&reverse=false'), {});
  assert.equal(q('MESSAGE=a=b&MESSAGE='), { matches: { MESSAGE: ['a=b', ''] } });
  assert.equal(q(''), {});
});

test('bad parameters are refused with a message', () => {
  refused('priority=loud', /Unknown log level "loud"/);
  refused('match=pid=1', /Invalid field name "pid"/);
  refused('match=1ABC=x', /Invalid field name "1ABC"/);
  refused('match=NOEQUALS', /expected FIELD=VALUE/);
  refused('lines=-1', /Invalid number of lines "-1"/);
  refused('lines=ten', /Invalid number of lines/);
  refused('since=whenever', /Invalid since: Failed to parse timestamp: "whenever"/);
  refused('until=2024-02-30', /Invalid until/);
  refused('since=2024-11-28&until=2024-11-27', /since must be before until/);
  refused('cursor=a&after-cursor=b', /only one of cursor and after-cursor/);
  refused('cursor=', /cursor must not be empty/);
  refused('reverse=maybe', /Invalid value "maybe" for reverse/);
  refused('lines=1&n=2', /more than once/);
  refused('colour=red', /Unknown parameter "colour"/);
});

test('the HTTP request adds output and follow', () => {
  assert.equal(parseJournalRequest(new URLSearchParams(''), now), { query: {}, output: 'json', follow: false });
  assert.equal(parseJournalRequest(new URLSearchParams('output=short&follow=true&unit=x'), now), { query: { units: ['x'] }, output: 'short', follow: true });
  assert.throws(() => parseJournalRequest(new URLSearchParams('output=xml'), now), /Unknown output format "xml"/);
  assert.throws(() => parseJournalRequest(new URLSearchParams('follow=true&reverse=1'), now), /either reverse or follow/);
  assert.throws(() => parseJournalRequest(new URLSearchParams('follow=sometimes'), now), /Invalid value "sometimes" for follow/);
});

test('a query survives its way through HTTP parameters', () => {
  const query = parseQuerySpec(
    { units: ['a.service'], matches: ['_PID=1', 'MESSAGE=x=y'], priority: 'warning..err', since: '-1h', until: 'now', lines: '7', cursor: 'c', reverse: true },
    now,
  );
  assert.equal(queryFromParams(paramsFromQuery(query), now), query);
});

test.run();
