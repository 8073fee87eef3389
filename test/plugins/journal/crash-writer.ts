// Child process for crash.test.ts: appends and flushes batches forever, reporting each durable seqnum.
import { silentLogger } from '../../../core/index.js';
import { journalConfigSchema } from '../../../plugins/journal/config.js';
import { JournalStore } from '../../../plugins/journal/store/journal-store.js';

const dir = process.argv[2]!;
const config = journalConfigSchema.parse({ keepFree: 0, flushInterval: '1h', maxFileSize: '256KiB', rateLimitBurst: 0 });
const store = await JournalStore.open(dir, config, { machineId: 'a'.repeat(32), bootId: 'c'.repeat(32), hostname: 'crash' }, silentLogger());
let n = store.usage().lastSeq ?? 0;
for (;;) {
  const batch = [];
  for (let i = 0; i < 500; i++) batch.push({ MESSAGE: `m${++n}`, _SYSTEMD_UNIT: `u${n % 3}.service`, PAD: 'y'.repeat(n % 200) });
  await store.append(batch);
  await store.flush();
  process.stdout.write(`flushed ${n}\n`);
}
