import type { FileHandle } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FileSyncer } from '../../../plugins/journal/store/file-syncer.js';

const test = suite('journal: file syncer');

/** A file whose datasync calls finish only when the test says so. */
function gatedFile() {
  const gates: { resolve: () => void; reject: (err: Error) => void }[] = [];
  let closed = 0;
  const file = {
    datasync: () => new Promise<void>((resolve, reject) => gates.push({ resolve, reject })),
    close: async () => {
      closed++;
    },
  } as unknown as FileHandle;
  return { file, gates, closed: () => closed };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('nothing written: sync resolves without touching the disk', async () => {
  const { file, gates } = gatedFile();
  await new FileSyncer(file).sync();
  assert.is(gates.length, 0);
});

test('callers that arrive during a sync share the one sync that follows it', async () => {
  const { file, gates } = gatedFile();
  const syncer = new FileSyncer(file);
  syncer.wrote();
  const first = syncer.sync();
  await turn();
  assert.is(gates.length, 1);

  syncer.wrote();
  const second = syncer.sync();
  syncer.wrote();
  const third = syncer.sync();
  assert.is(second, third);
  let secondDone = false;
  void second.then(() => (secondDone = true));

  gates[0]!.resolve();
  await first;
  await turn();
  assert.is(gates.length, 2, 'the waiting callers get one more sync, not two');
  assert.not.ok(secondDone, 'writes made during the first sync wait for the second');
  gates[1]!.resolve();
  await second;

  assert.is(gates.length, 2);
  await syncer.sync();
  assert.is(gates.length, 2, 'nothing new written, nothing to sync');
});

test('a sync with nothing new written waits for the one in flight', async () => {
  const { file, gates } = gatedFile();
  const syncer = new FileSyncer(file);
  syncer.wrote();
  const first = syncer.sync();
  await turn();
  let done = false;
  const again = syncer.sync().then(() => (done = true));
  await turn();
  assert.not.ok(done);
  gates[0]!.resolve();
  await Promise.all([first, again]);
  assert.is(gates.length, 1);
});

test('a failed sync rejects its callers and marks the file', async () => {
  const { file, gates } = gatedFile();
  const syncer = new FileSyncer(file);
  syncer.wrote();
  const first = syncer.sync();
  await turn();
  gates[0]!.reject(new Error('EIO'));
  try {
    await first;
    assert.unreachable('should have rejected');
  } catch (err) {
    assert.instance(err, Error);
    assert.is((err as Error).message, 'EIO');
  }
  assert.ok(syncer.failed);
});

test('close syncs what was written, then closes even when the sync fails', async () => {
  const { file, gates, closed } = gatedFile();
  const syncer = new FileSyncer(file);
  syncer.wrote();
  const closing = syncer.close();
  await turn();
  assert.is(gates.length, 1);
  assert.is(closed(), 0);
  gates[0]!.reject(new Error('EIO'));
  await closing.catch(() => undefined);
  assert.is(closed(), 1);
});

test.run();
