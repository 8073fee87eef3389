import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { blockAttemptsOf, pollUntil, reportInOrder, Spinner, type Outcome } from '../../../../plugins/fleet-scheduler/commands/wait.js';

const wait = suite('fleet cli: blocking, ordered reports and the spinner');

wait('--no-block is no waiting at all, --block-attempts=0 no limit, N that many attempts', () => {
  assert.is(blockAttemptsOf({ 'no-block': true, 'block-attempts': 3 }), undefined);
  assert.is(blockAttemptsOf({}), 0);
  assert.is(blockAttemptsOf({ 'block-attempts': 4 }), 4);
});

wait('pollUntil asks until the probe answers, at the given interval', async () => {
  let asked = 0;
  const t0 = performance.now();
  const found = await pollUntil(async () => (++asked === 4 ? 'ready' : undefined), 0, 10);
  assert.is(found, 'ready');
  assert.is(asked, 4);
  assert.ok(performance.now() - t0 >= 25, 'three sleeps between four probes');
});

wait('reports come in the order given, whichever wait ends first; a failure is reported and counted', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const after = (ms: number, outcome: Outcome) => () => new Promise<Outcome>((resolve) => setTimeout(() => resolve(outcome), ms));
  const ok = await reportInOrder(
    [
      after(30, { ok: true, lines: ['Unit a.service launched'] }),
      after(0, { ok: false, error: 'timed out waiting for unit b.service to report state launched', lines: ['Unit b.service loaded'] }),
      () => Promise.reject(new Error('boom')),
      after(5, { ok: true, lines: ['Unit d.service launched'] }),
    ],
    (line) => out.push(line),
    (line) => err.push(line),
  );
  assert.is(ok, false);
  assert.equal(out, ['Unit a.service launched', 'Unit b.service loaded', 'Unit d.service launched']);
  assert.equal(err, ['Error waiting for units: timed out waiting for unit b.service to report state launched', 'Error waiting for units: boom']);
  assert.is(await reportInOrder([], () => {}, () => {}), true);
});

/** A stand-in for stderr that records what is written. */
function stream(isTTY: boolean): NodeJS.WriteStream & { written: string } {
  const fake = { isTTY, written: '', write(chunk: string) { fake.written += chunk; return true; } };
  return fake as unknown as NodeJS.WriteStream & { written: string };
}

wait('the spinner draws only on a terminal, clears itself around output and when it stops', () => {
  const pipe = stream(false);
  const quiet = new Spinner(pipe);
  quiet.start('Waiting...');
  let printed = false;
  quiet.around(() => (printed = true));
  quiet.stop();
  assert.ok(printed);
  assert.is(pipe.written, '');

  const tty = stream(true);
  const spinner = new Spinner(tty);
  spinner.start('Waiting for a.service to be launched...');
  assert.is(tty.written, '\r\x1b[2K| Waiting for a.service to be launched...');
  spinner.around(() => (tty.written += '<line>'));
  assert.is(tty.written, '\r\x1b[2K| Waiting for a.service to be launched...\r\x1b[2K<line>\r\x1b[2K/ Waiting for a.service to be launched...');
  spinner.stop();
  assert.ok(tty.written.endsWith('\r\x1b[2K'));
  const length = tty.written.length;
  spinner.stop();
  assert.is(tty.written.length, length, 'stopping twice writes nothing more');
});

wait.run();
