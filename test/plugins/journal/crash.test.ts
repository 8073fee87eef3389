import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../support/temp-dir.js';
import { collect, openStore } from './helpers.js';

const test = suite('journal: crash safety');

const WRITER = path.resolve('test/plugins/journal/crash-writer.ts');

/** Runs the writer until it has reported `flushes` durable batches, then SIGKILLs it; returns the last durable seqnum. */
function runAndKill(dir: string, flushes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let durable = 0;
    let seen = 0;
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) {
        durable = Number(line.split(' ')[1]);
        if (++seen === flushes) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(durable) : reject(new Error(`writer exited without being killed (${signal})`))));
  });
}

async function assertContiguous(dir: string, atLeast: number): Promise<number> {
  const store = await openStore(dir);
  try {
    const entries = await collect(store.query({}));
    assert.ok(entries.length >= atLeast, `${entries.length} entries, ${atLeast} were durable`);
    entries.forEach((e, i) => assert.is(e.fields.MESSAGE, `m${i + 1}`));
    const last = await collect(store.query({ units: ['u1.service'], lines: 1 }));
    assert.ok(last.length === 1);
    return entries.length;
  } finally {
    await store.close();
  }
}

test('SIGKILL mid-batch loses at most the unflushed batch; reopening twice is stable', async () => {
  const dir = tempDir();
  try {
    const durable = await runAndKill(dir.path, 12);
    const count = await assertContiguous(dir.path, durable);
    assert.is(await assertContiguous(dir.path, durable), count);
    const durable2 = await runAndKill(dir.path, 6);
    assert.ok(durable2 > count);
    await assertContiguous(dir.path, durable2);
  } finally {
    dir.cleanup();
  }
});

test('a torn tail is truncated on open and older entries stay intact', async () => {
  const dir = tempDir();
  try {
    const store = await openStore(dir.path);
    for (let i = 1; i <= 50; i++) await store.append({ MESSAGE: `m${i}` });
    const cursor = (await collect(store.query({ lines: 1 })))[0]!.cursor;
    await store.close();
    // the state a crash leaves: no index for the active segment, half a record at its end
    const file = path.join(dir.path, readdirSync(dir.path).find((n) => n.endsWith('.jseg'))!);
    rmSync(`${file}.idx`);
    const size = statSync(file).size;
    appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9]));
    const reopened = await openStore(dir.path);
    try {
      assert.is(statSync(file).size, size);
      const entries = await collect(reopened.query({}));
      assert.is(entries.length, 50);
      await reopened.append({ MESSAGE: 'm51' });
      assert.equal((await collect(reopened.query({ afterCursor: cursor }))).map((e) => e.fields.MESSAGE), ['m51']);
    } finally {
      await reopened.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('a corrupted record ends the valid data of the active segment', async () => {
  const dir = tempDir();
  try {
    const store = await openStore(dir.path);
    for (let i = 1; i <= 20; i++) await store.append({ MESSAGE: `m${i}` });
    await store.close();
    const file = path.join(dir.path, readdirSync(dir.path).find((n) => n.endsWith('.jseg'))!);
    rmSync(`${file}.idx`);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('XX'), 0, 2, statSync(file).size - 5);
    closeSync(fd);
    const reopened = await openStore(dir.path);
    try {
      const msgs = (await collect(reopened.query({}))).map((e) => e.fields.MESSAGE);
      assert.equal(msgs, Array.from({ length: 19 }, (_, i) => `m${i + 1}`));
    } finally {
      await reopened.close();
    }
  } finally {
    dir.cleanup();
  }
});

test.run();
