import { CORE, definePlugin } from '../../../core/index.js';
import { JournalRoutes } from '../../../plugins/journal/routes.js';
import { MemoryJournal } from '../../support/memory-journal.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

export const T0 = 1_732_746_792_000_000n;

/** A node serving /v1/journal over an in-memory journal with a few fixed entries. */
export async function startJournalNode(): Promise<{ node: TestNode; journal: MemoryJournal }> {
  const journal = new MemoryJournal();
  journal.add({ _HOSTNAME: 'node-1', _SYSTEMD_UNIT: 'app.service', SYSLOG_IDENTIFIER: 'app', _PID: '10', PRIORITY: '6', MESSAGE: 'started' }, T0);
  journal.add({ _HOSTNAME: 'node-1', _SYSTEMD_UNIT: 'db.service', SYSLOG_IDENTIFIER: 'db', _PID: '20', PRIORITY: '4', MESSAGE: 'slow query' }, T0 + 1_000_000n);
  journal.add({ _HOSTNAME: 'node-1', _SYSTEMD_UNIT: 'app.service', SYSLOG_IDENTIFIER: 'app', _PID: '10', PRIORITY: '3', MESSAGE: 'crashed' }, T0 + 2_000_000n);
  const plugin = definePlugin({
    id: 'journal-api-test',
    register({ container }) {
      container.register(CORE.Journal, { useValue: journal });
      container.register(CORE.HttpRoute, { useClass: JournalRoutes });
    },
  });
  const node = await startTestNode({ catalog: [plugin], config: { plugins: { 'journal-api-test': {} } } });
  return { node, journal };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
