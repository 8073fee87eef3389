// Runs uvu with this process's loader flags and ends with "N passed, N failed, N skipped".
// A run is a failure when uvu fails, a suite crashes, or no test ran at all.
// When the selection includes a suite under plugins/docker-runtime/, a Docker engine is provided
// for the whole run first (see test/support/docker-engine.ts: the one at DOCKER_HOST or
// /var/run/docker.sock, else a private dockerd) and a dockerd started here is stopped at the end.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const uvuBin = path.resolve(path.dirname(require.resolve('uvu')), '..', 'bin.js');
const args = process.argv.slice(2);
const ENGINE_ERROR_VARIABLE = 'TEST_DOCKER_ENGINE_ERROR';

// uvu does not exit while a suite leaves a server or timer behind; give it a moment after its
// summary, then end it and count the leak as a failure rather than hang the run.
const EXIT_GRACE_MS = 5000;
let leaked = false;
let output = '';

const dockerSuites = await dockerSuitesIn(args);

// While a dockerd of this run may be up, a signal ends uvu (or the engine's start) rather than
// this process, so that the dockerd is still stopped and the summary still printed.
let child;
let interrupted;
const interruption = new AbortController();
if (dockerSuites.length > 0) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      interrupted ??= signal;
      interruption.abort();
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
}

const engine = dockerSuites.length > 0 ? await provideEngine(dockerSuites) : { env: process.env };
if (engine.error) {
  // Never a skip, under CI or not: each Docker test fails with this reason.
  const level = process.env.CI === 'true' ? 'ERROR' : 'WARNING';
  console.error(`test run: ${level}: no Docker engine, so the docker-runtime suites will fail: ${engine.error}`);
}
if (interrupted) await finish(null, interrupted);

child = spawn(process.execPath, [...process.execArgv, uvuBin, ...args, '--no-color'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: engine.env,
});

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

child.on('close', (code, signal) => finish(code, signal));

async function finish(code, signal) {
  const problems = [];
  if (engine.stop) {
    try {
      await engine.stop();
    } catch (error) {
      problems.push(`stopping the private dockerd failed: ${error?.message ?? error}`);
    }
  }
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const last = (label) => {
    const matches = [...text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))];
    return matches.length ? Number(matches.at(-1)[1]) : undefined;
  };
  const total = last('Total');
  const passed = last('Passed') ?? 0;
  const skipped = last('Skipped') ?? 0;
  const failed = total === undefined ? 1 : total - passed;
  if (total === undefined) problems.unshift(interrupted ? 'uvu printed no summary' : 'uvu printed no summary (a suite crashed on load?)');
  else if (total === 0) problems.unshift('no test ran');
  if (!child) problems.push('uvu did not run');
  else if (leaked) problems.push(`uvu did not exit within ${EXIT_GRACE_MS} ms of its summary: a suite left a handle open`);
  else if (code !== 0) problems.push(signal ? `uvu was killed by ${signal}` : `uvu exited with ${code}`);
  if (interrupted) problems.push(`the run was interrupted by ${interrupted}`);
  if (engine.error) problems.push(`no Docker engine for the docker-runtime suites: ${engine.error.split('\n')[0]}`);
  const failedCount = problems.length > 0 && failed === 0 ? 1 : failed;
  for (const problem of problems) console.log(`test run: ${problem}`);
  console.log(`${passed} passed, ${failedCount} failed, ${skipped} skipped`);
  process.exit(problems.length > 0 || failedCount > 0 ? 1 : 0);
}

/** The selected suites under plugins/docker-runtime/, found as uvu finds suites from its `[dir] [pattern]` and `-i`. */
async function dockerSuitesIn(argv) {
  const positional = [];
  const ignore = [];
  let cwd = '.';
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = /^--\w+=/.test(argv[i]) ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    if (['-i', '--ignore', '-r', '--require', '-C', '--cwd'].includes(flag)) {
      const value = inline ?? argv[++i];
      if (flag === '-i' || flag === '--ignore') ignore.push(value);
      if (flag === '-C' || flag === '--cwd') cwd = value;
    } else if (!flag.startsWith('-')) positional.push(flag);
  }
  const { parse } = require('uvu/parse');
  try {
    const { dir, suites } = await parse(positional[0], positional[1], { cwd, ignore });
    return suites.filter((s) => /^plugins[\\/]docker-runtime[\\/]/.test(s.name)).map((s) => ({ ...s, dir }));
  } catch {
    return []; // an unreadable dir: uvu itself reports it
  }
}

/**
 * The engine for the docker-runtime suites, from test/support/docker-engine (the .ts next to the
 * sources, the compiled .js under dist/test): uvu's environment with DOCKER_HOST set to it, and
 * `stop` when this run started it; or, when there is none, `error`, passed on to the suites as
 * TEST_DOCKER_ENGINE_ERROR so that each Docker test fails with it.
 */
async function provideEngine(suites) {
  const env = { ...process.env };
  delete env[ENGINE_ERROR_VARIABLE];
  const ext = path.extname(suites[0].file) === '.ts' ? '.ts' : '.js';
  const modulePath = path.join(suites[0].dir, 'support', `docker-engine${ext}`);
  try {
    if (!existsSync(modulePath)) throw new Error(`${modulePath} not found`);
    const { provideDockerEngine } = await import(pathToFileURL(modulePath).href);
    const started = Date.now();
    const engine = await provideDockerEngine({
      log: (line) => console.error(`test run: docker: ${line}`),
      signal: interruption.signal,
    });
    console.error(`test run: docker: engine ready for ${suites.length} suite(s) in ${Date.now() - started} ms`);
    env.DOCKER_HOST = engine.host;
    const stop = async () => {
      const stopping = Date.now();
      await engine.stop();
      console.error(`test run: docker: stopped the private dockerd (pid ${engine.pid}) in ${Date.now() - stopping} ms`);
    };
    return { env, stop: engine.pid === undefined ? undefined : stop };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    env[ENGINE_ERROR_VARIABLE] = reason;
    delete env.DOCKER_HOST;
    return { env, error: reason };
  }
}
