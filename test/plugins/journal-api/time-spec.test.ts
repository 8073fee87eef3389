import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTimeSpec, TimeSpecError } from '../../../plugins/journal/time-spec.js';

const test = suite('journal-api: time specs');
const now = new Date(2024, 10, 27, 22, 33, 12, 500);
const at = (spec: string) => parseTimeSpec(spec, now).getTime();

test('full and partial absolute forms, in local time', () => {
  assert.is(at('2024-01-02 03:04:05'), new Date(2024, 0, 2, 3, 4, 5).getTime());
  assert.is(at('2024-01-02 03:04'), new Date(2024, 0, 2, 3, 4, 0).getTime());
  assert.is(at('2024-01-02'), new Date(2024, 0, 2).getTime());
  assert.is(at('2024-01-02T03:04:05'), new Date(2024, 0, 2, 3, 4, 5).getTime());
  assert.is(at('2024-01-02 03:04:05.250'), new Date(2024, 0, 2, 3, 4, 5, 250).getTime());
  assert.is(at('10:15'), new Date(2024, 10, 27, 10, 15).getTime());
  assert.is(at('10:15:30'), new Date(2024, 10, 27, 10, 15, 30).getTime());
});

test('explicit zones', () => {
  assert.is(at('2024-01-02 03:04:05 UTC'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.is(at('2024-01-02T03:04:05.123Z'), Date.UTC(2024, 0, 2, 3, 4, 5, 123));
  assert.is(at('2024-01-02T03:04:05+02:00'), Date.UTC(2024, 0, 2, 1, 4, 5));
  assert.is(at('@1700000000'), 1_700_000_000_000);
});

test('now, today, yesterday, tomorrow', () => {
  assert.is(at('now'), now.getTime());
  assert.is(at('today'), new Date(2024, 10, 27).getTime());
  assert.is(at('yesterday'), new Date(2024, 10, 26).getTime());
  assert.is(at('tomorrow'), new Date(2024, 10, 28).getTime());
});

test('relative spans', () => {
  assert.is(at('-1h'), now.getTime() - 3_600_000);
  assert.is(at('+5min'), now.getTime() + 300_000);
  assert.is(at('-2d'), now.getTime() - 2 * 86_400_000);
  assert.is(at('-1h 30min'), now.getTime() - 5_400_000);
  assert.is(at('-90'), now.getTime() - 90_000);
  assert.is(at('2 hours ago'), now.getTime() - 7_200_000);
  assert.is(at('-1w'), now.getTime() - 7 * 86_400_000);
});

test('bad input is refused with a clear message', () => {
  for (const spec of ['', 'soon', '2024-13-01', '2024-02-30', '2024-01-02 25:00', '-1parsec', '-', '2024/01/02', '@x']) {
    assert.throws(() => parseTimeSpec(spec, now), (error: Error) => error instanceof TimeSpecError && error.message.startsWith('Failed to parse timestamp: "'), spec);
  }
  assert.throws(() => parseTimeSpec('-1parsec', now), /unknown time unit "parsec"/);
});

test.run();
