import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  parseBoolean,
  parseExitStatusSet,
  parseSignal,
  parseTimeSpanUs,
  parseUmask,
  parseUnsignedInteger,
  signalNumber,
} from '../../../../plugins/systemd-unit/unit-file/values.js';

const test = suite('systemd-unit: value parsers');

const S = 1_000_000;

test('booleans, case-insensitive', () => {
  for (const word of ['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'True', ' on ']) assert.is(parseBoolean(word), true, word);
  for (const word of ['0', 'no', 'n', 'false', 'f', 'off', 'No', 'OFF']) assert.is(parseBoolean(word), false, word);
  for (const word of ['', '2', 'yep', 'enable', 'nope']) assert.throws(() => parseBoolean(word), /invalid boolean/, word);
});

test('time spans: bare numbers are seconds', () => {
  assert.is(parseTimeSpanUs('5'), 5 * S);
  assert.is(parseTimeSpanUs('0'), 0);
  assert.is(parseTimeSpanUs('90'), 90 * S);
  assert.is(parseTimeSpanUs('1.5'), 1.5 * S);
  assert.is(parseTimeSpanUs('.5'), 0.5 * S);
});

test('time spans: every unit spelling', () => {
  const cases: [string, number][] = [
    ['7usec', 7],
    ['7us', 7],
    ['7µs', 7],
    ['7μs', 7],
    ['7msec', 7000],
    ['7ms', 7000],
    ['7seconds', 7 * S],
    ['7second', 7 * S],
    ['7sec', 7 * S],
    ['7s', 7 * S],
    ['7minutes', 420 * S],
    ['7minute', 420 * S],
    ['7min', 420 * S],
    ['7m', 420 * S],
    ['2hours', 7200 * S],
    ['2hour', 7200 * S],
    ['2hr', 7200 * S],
    ['2h', 7200 * S],
    ['1days', 86_400 * S],
    ['1day', 86_400 * S],
    ['1d', 86_400 * S],
    ['1weeks', 604_800 * S],
    ['1week', 604_800 * S],
    ['1w', 604_800 * S],
    ['1months', 2_629_800 * S],
    ['1month', 2_629_800 * S],
    ['1M', 2_629_800 * S],
    ['1years', 31_557_600 * S],
    ['1year', 31_557_600 * S],
    ['1y', 31_557_600 * S],
  ];
  for (const [text, us] of cases) assert.is(parseTimeSpanUs(text), us, text);
});

test('time spans: parts add up, spaces allowed between and inside parts', () => {
  assert.is(parseTimeSpanUs('2min 200ms'), 120.2 * S);
  assert.is(parseTimeSpanUs('2min200ms'), 120.2 * S);
  assert.is(parseTimeSpanUs('1h30m'), 5400 * S);
  assert.is(parseTimeSpanUs('1h 30min 15s'), 5415 * S);
  assert.is(parseTimeSpanUs('5 s'), 5 * S);
  assert.is(parseTimeSpanUs('  1 h  2 m  '), 3720 * S);
  assert.is(parseTimeSpanUs('5 3'), 8 * S);
  assert.is(parseTimeSpanUs('1.5h'), 5400 * S);
  assert.is(parseTimeSpanUs('0.5ms'), 500);
  assert.is(parseTimeSpanUs('1.2345678s'), 1_234_567);
  assert.is(parseTimeSpanUs('12.34 .56'), 12.9 * S);
});

test('time spans: infinity, and empty means reset', () => {
  assert.is(parseTimeSpanUs('infinity'), Infinity);
  assert.is(parseTimeSpanUs(' infinity '), Infinity);
  assert.is(parseTimeSpanUs(''), undefined);
  assert.is(parseTimeSpanUs('   '), undefined);
});

test('time spans: invalid input throws a RangeError naming it', () => {
  for (const text of ['abc', '5x', '-5', '5 -1s', '1.', '1.s', '12.34.56', 's', '5S', '1h infinity', 'infinity 1s', '5 x']) {
    assert.throws(
      () => parseTimeSpanUs(text),
      (error: unknown) => error instanceof RangeError && error.message.includes(`'${text}'`),
      text,
    );
  }
});

test('time spans: a default unit other than seconds', () => {
  assert.is(parseTimeSpanUs('250', 1000n), 250_000);
  assert.is(parseTimeSpanUs('2s', 1000n), 2 * S);
});

test('signals by name with or without SIG, or by number', () => {
  assert.is(parseSignal('SIGTERM'), 'SIGTERM');
  assert.is(parseSignal('TERM'), 'SIGTERM');
  assert.is(parseSignal('15'), 'SIGTERM');
  assert.is(parseSignal('9'), 'SIGKILL');
  assert.is(parseSignal('HUP'), 'SIGHUP');
  assert.is(parseSignal('SIGWINCH'), 'SIGWINCH');
  assert.is(parseSignal('30'), 'SIGPWR');
  for (const bad of ['', 'sigterm', 'term', 'SIG15', '0', '65', 'SIGFOO', 'RTMIN']) {
    assert.throws(() => parseSignal(bad), /invalid signal/, bad);
  }
  assert.is(signalNumber('SIGABRT'), 6);
});

test('exit status sets: numbers are exit codes, names are signals', () => {
  assert.equal(parseExitStatusSet('0 1 SIGTERM  HUP 9 255'), { codes: [0, 1, 9, 255], signals: ['SIGTERM', 'SIGHUP'] });
  assert.equal(parseExitStatusSet('3 3 TERM SIGTERM'), { codes: [3], signals: ['SIGTERM'] });
  assert.equal(parseExitStatusSet(''), { codes: [], signals: [] });
});

test('exit status sets: invalid words throw, or are reported and skipped', () => {
  assert.throws(() => parseExitStatusSet('1 256'), /invalid exit status '256'/);
  assert.throws(() => parseExitStatusSet('1 SIGNOPE'), /invalid exit status 'SIGNOPE'/);
  const skipped: string[] = [];
  const set = parseExitStatusSet('1 256 TERM bogus 2', (word) => skipped.push(word));
  assert.equal(set, { codes: [1, 2], signals: ['SIGTERM'] });
  assert.equal(skipped, ['256', 'bogus']);
});

test('umask is octal up to 07777', () => {
  assert.is(parseUmask('0022'), 0o22);
  assert.is(parseUmask('022'), 0o22);
  assert.is(parseUmask('77'), 0o77);
  assert.is(parseUmask('7777'), 0o7777);
  for (const bad of ['', '8', '0o22', '-1', '17777', 'abc']) assert.throws(() => parseUmask(bad), /invalid umask/, bad);
});

test('unsigned integers', () => {
  assert.is(parseUnsignedInteger('5'), 5);
  assert.is(parseUnsignedInteger(' 0 '), 0);
  for (const bad of ['', '-1', '1.5', 'x', '99999999999999999999']) assert.throws(() => parseUnsignedInteger(bad), (e: unknown) => e instanceof RangeError && e.message.includes('invalid number'), bad);
});

test.run();
