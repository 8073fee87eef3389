import { silentLogger } from '../../../core/index.js';
import { journalConfigSchema, type JournalConfig } from '../../../plugins/journal/config.js';
import { JournalStore, type JournalClock, type JournalStoreOptions } from '../../../plugins/journal/store/journal-store.js';
import type { JournalEntry, JournalQuery } from '../../../core/index.js';

export const IDENTITY = { machineId: 'a'.repeat(32), bootId: 'b'.repeat(32), hostname: 'node-1' };

/** Realtime starts at 2024-01-01T00:00:00Z and moves 1 µs per reading unless advanced. */
export class FakeClock implements JournalClock {
  rt = Date.UTC(2024, 0, 1) * 1000;
  mono = 5_000_000;
  realtimeUs(): number {
    return ++this.rt;
  }
  monotonicUs(): number {
    return ++this.mono;
  }
  advanceMs(ms: number): void {
    this.rt += ms * 1000;
    if (ms > 0) this.mono += ms * 1000;
  }
}

export function config(overrides: Record<string, unknown> = {}): JournalConfig {
  return journalConfigSchema.parse({ keepFree: 0, ...overrides });
}

export function openStore(dir: string, overrides: Record<string, unknown> = {}, options: JournalStoreOptions = {}): Promise<JournalStore> {
  return JournalStore.open(dir, config(overrides), IDENTITY, silentLogger(), options);
}

export async function collect(iterable: AsyncIterable<JournalEntry>): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

export async function messages(store: JournalStore, query: JournalQuery = {}): Promise<string[]> {
  return (await collect(store.query(query))).map((e) => e.fields.MESSAGE ?? '');
}
