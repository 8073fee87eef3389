import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isLoopbackAddress, parseDuration, parseSize } from '../../core/index.js';

const values = suite('core: config values');

values('durations: numbers are milliseconds, strings take units', () => {
  assert.is(parseDuration(250), 250);
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('30s'), 30_000);
  assert.is(parseDuration('5m'), 300_000);
  assert.is(parseDuration('1.5h'), 5_400_000);
  assert.is(parseDuration('42'), 42);
  for (const bad of ['soon', '-5s', '5 parsecs', '', 's', -1, Number.NaN]) assert.is(parseDuration(bad), undefined, String(bad));
});

values('sizes: decimal and binary units, case-insensitive', () => {
  assert.is(parseSize(1024), 1024);
  assert.is(parseSize('512kb'), 512_000);
  assert.is(parseSize('1MiB'), 1_048_576);
  assert.is(parseSize('2g'), 2_000_000_000);
  assert.is(parseSize('1.5KiB'), 1536);
  assert.is(parseSize('100'), 100);
  for (const bad of ['lots', '1 furlong', '-1kb', 1.5, -3]) assert.is(parseSize(bad), undefined, String(bad));
});

values('loopback addresses', () => {
  for (const address of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost']) {
    assert.ok(isLoopbackAddress(address), address);
  }
  for (const address of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', '128.0.0.1', 'example.com', '::ffff:10.0.0.1']) {
    assert.not.ok(isLoopbackAddress(address), address);
  }
});

values.run();
