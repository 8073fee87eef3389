// Runs uvu with this process's loader flags and ends with "N passed, N failed, N skipped".
// A run is a failure when uvu fails, a suite crashes, or no test ran at all.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const uvuBin = path.resolve(path.dirname(require.resolve('uvu')), '..', 'bin.js');
const child = spawn(process.execPath, [...process.execArgv, uvuBin, ...process.argv.slice(2), '--no-color'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});

// uvu does not exit while a suite leaves a server or timer behind; give it a moment after its
// summary, then end it and count the leak as a failure rather than hang the run.
const EXIT_GRACE_MS = 5000;
let leaked = false;
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
  if (/Duration:/.test(String(chunk))) {
    setTimeout(() => {
      leaked = true;
      child.kill('SIGKILL');
    }, EXIT_GRACE_MS).unref();
  }
});

child.on('close', (code, signal) => {
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const last = (label) => {
    const matches = [...text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))];
    return matches.length ? Number(matches.at(-1)[1]) : undefined;
  };
  const total = last('Total');
  const passed = last('Passed') ?? 0;
  const skipped = last('Skipped') ?? 0;
  const failed = total === undefined ? 1 : total - passed;
  const problems = [];
  if (total === undefined) problems.push('uvu printed no summary (a suite crashed on load?)');
  else if (total === 0) problems.push('no test ran');
  if (leaked) problems.push(`uvu did not exit within ${EXIT_GRACE_MS} ms of its summary: a suite left a handle open`);
  else if (code !== 0) problems.push(signal ? `uvu was killed by ${signal}` : `uvu exited with ${code}`);
  const failedCount = problems.length > 0 && failed === 0 ? 1 : failed;
  for (const problem of problems) console.log(`test run: ${problem}`);
  console.log(`${passed} passed, ${failedCount} failed, ${skipped} skipped`);
  process.exit(problems.length > 0 || failedCount > 0 ? 1 : 0);
});
