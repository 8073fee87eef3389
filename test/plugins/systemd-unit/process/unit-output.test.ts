import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Journal, JournalFields } from '../../../../core/index.js';
import { StreamIngest } from '../../../../plugins/journal/ingest/stream-ingest.js';
import { ProcessRuntime, type ProcessHandle } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { outputTarget, pipeUnitOutput, type UnitOutputOptions } from '../../../../plugins/systemd-unit/unit-output.js';
import { tempDir } from '../../../support/temp-dir.js';
import { collect, openStore } from '../../journal/helpers.js';
import { execSpec, killGroup } from './helpers.js';

const test = suite('systemd-unit: unit output');

type PipeOptions = Omit<UnitOutputOptions, 'openSink'>;

function options(overrides: Partial<PipeOptions> = {}): PipeOptions {
  return { unit: 'out.service', stderrPriority: 3, standardOutput: 'journal', standardError: 'inherit', ...overrides };
}

/** Spawns `script` under /bin/sh, pipes its output and waits for both the exit and the streams. */
async function runPiped(script: string, journal: Pick<Journal, 'append'>, opts: PipeOptions): Promise<ProcessHandle> {
  const handle = await new ProcessRuntime().spawn(execSpec(['/bin/sh', '-c', script]));
  try {
    await Promise.all([pipeUnitOutput(handle, { ...opts, openSink: (source) => new StreamIngest(journal, { ...source, lineMax: 48 * 1024 }) }), handle.exited]);
    return handle;
  } finally {
    killGroup(handle.pgid);
  }
}

test('stdout lines land at priority 6, stderr at the configured one, with the unit and _PID', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path);
  try {
    const handle = await runPiped('echo out1; echo err1 >&2; echo "<4>warned"; echo; printf "no newline"; printf "err tail" >&2', store, options({ stderrPriority: 2 }));
    const entries = (await collect(store.query({ units: ['out.service'] }))).map((entry) => entry.fields);
    const byStream = (priorities: string[]) => entries.filter((f) => priorities.includes(f.PRIORITY!)).map((f) => f.MESSAGE);
    assert.equal(byStream(['6', '4']), ['out1', 'warned', '', 'no newline']);
    assert.equal(byStream(['2']), ['err1', 'err tail']);
    for (const fields of entries) {
      assert.is(fields._SYSTEMD_UNIT, 'out.service');
      assert.is(fields._PID, String(handle.pid));
      assert.is(fields._TRANSPORT, 'stdout');
      assert.is(fields.SYSLOG_IDENTIFIER, 'out');
    }
    assert.is(entries.find((f) => f.MESSAGE === 'no newline')?._LINE_BREAK, 'eof');
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('StandardOutput=null discards, but drains the pipe so the process is never blocked', async () => {
  const dir = tempDir();
  const store = await openStore(dir.path);
  try {
    // far more than a pipe buffer holds
    await runPiped('head -c 2000000 /dev/zero; echo done >&2', store, options({ standardOutput: 'null', standardError: 'journal', identifier: 'custom' }));
    const entries = (await collect(store.query({ units: ['out.service'] }))).map((entry) => entry.fields);
    assert.equal(
      entries.map((f) => [f.MESSAGE, f.PRIORITY, f.SYSLOG_IDENTIFIER]),
      [['done', '3', 'custom']],
    );
  } finally {
    await store.close();
    dir.cleanup();
  }
});

test('a journal that fails is reported once per stream and the output is still drained', async () => {
  const errors: string[] = [];
  const failing = { append: async (_fields: JournalFields | readonly JournalFields[]) => Promise.reject(new Error('disk full')) };
  await runPiped('for i in $(seq 2000); do echo line $i; echo err $i >&2; done', failing, options({ onError: (error, stream) => errors.push(`${stream}: ${(error as Error).message}`) }));
  assert.equal(errors.sort(), ['stderr: disk full', 'stdout: disk full']);
});

test('StandardOutput=/StandardError= settings map to journal or null', () => {
  assert.is(outputTarget('journal', 'stdout'), 'journal');
  assert.is(outputTarget('journal+console', 'stdout'), 'journal');
  assert.is(outputTarget('null', 'stdout'), 'null');
  assert.is(outputTarget('inherit', 'stdout'), 'null');
  assert.is(outputTarget('', 'stdout'), 'journal');
  assert.is(outputTarget('inherit', 'stderr', 'null'), 'null');
  assert.is(outputTarget('inherit', 'stderr', 'journal'), 'journal');
  assert.is(outputTarget('null', 'stderr', 'journal'), 'null');
  assert.is(outputTarget('kmsg', 'stderr', 'null'), 'journal');
});

test.run();
