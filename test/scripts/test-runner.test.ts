import { execFile } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

// scripts/test.mjs is what CI judges a run by: its last line and exit code must tell the truth.
const runner = suite('scripts/test.mjs');

function runWrapper(pattern: string): Promise<{ code: number; lastLine: string; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/test.mjs', 'test/fixtures/runner', pattern], { timeout: 30_000 }, (error, stdout, stderr) => {
      const lines = stdout.trim().split('\n');
      resolve({ code: error ? Number(error.code ?? 1) : 0, lastLine: lines.at(-1) ?? '', output: stdout + stderr });
    });
  });
}

runner('all passing: counts passed and skipped, exit 0', async () => {
  const { code, lastLine } = await runWrapper('passing\\.js$');
  assert.is(lastLine, '2 passed, 0 failed, 1 skipped');
  assert.is(code, 0);
});

runner('a failing test: counts it, exit 1', async () => {
  const { code, lastLine } = await runWrapper('(passing|failing)\\.js$');
  assert.is(lastLine, '3 passed, 1 failed, 1 skipped');
  assert.is(code, 1);
});

runner('no test ran: a failure, not a pass', async () => {
  const { code, lastLine, output } = await runWrapper('nothing-matches-this\\.js$');
  assert.is(code, 1);
  assert.is(lastLine, '0 passed, 1 failed, 0 skipped');
  assert.match(output, /test run: no test ran/);
});

runner('a suite that crashes on load: a failure', async () => {
  const { code, lastLine, output } = await runWrapper('crashing\\.js$');
  assert.is(code, 1);
  assert.match(lastLine, /^0 passed, [1-9]\d* failed/);
  assert.match(output, /this suite cannot even load/);
});

runner('a suite that leaves a handle open: ended after a grace period and counted as a failure', async () => {
  const { code, lastLine, output } = await runWrapper('leaking\\.js$');
  assert.is(code, 1);
  assert.is(lastLine, '1 passed, 1 failed, 0 skipped');
  assert.match(output, /did not exit within 5000 ms of its summary/);
});

runner.run();
