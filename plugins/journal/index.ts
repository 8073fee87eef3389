import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { CORE, definePlugin, FLOTILLA_VERSION, type Journal } from '../../core/index.js';
import { journalConfigSchema, type JournalConfig } from './config.js';
import { JournalWritersOf } from './journal-writers.js';
import { JournalMaintenanceRoutes } from './maintenance-routes.js';
import { JournalRoutes } from './routes.js';
import { JournalStore } from './store/journal-store.js';
import { JOURNAL } from './tokens.js';

/** The store opens in start; consumers resolve the Journal then, after this plugin started. */
export class OpenJournal {
  store?: JournalStore;

  get(): JournalStore {
    if (!this.store) throw new Error('the journal is not open: it opens when the journal plugin starts');
    return this.store;
  }
}

export default definePlugin<JournalConfig>({
  id: 'journal',
  version: FLOTILLA_VERSION,
  description: "The node's journal: structured, indexed log entries with journalctl's queries.",
  config: journalConfigSchema,
  configToken: JOURNAL.Config,
  register({ container, config, log }) {
    const holder = new OpenJournal();
    container.register(JOURNAL.Open, { useValue: holder });
    container.register(JOURNAL.Store, { useFactory: () => holder.get() });
    container.register(CORE.Journal, { useFactory: (): Journal => holder.get() });
    container.register(CORE.JournalWriters, { useValue: new JournalWritersOf(() => holder.get(), config.lineMax, log) });
    container.register(CORE.HttpRoute, { useClass: JournalRoutes });
    container.register(CORE.HttpRoute, { useClass: JournalMaintenanceRoutes });
  },
  async start({ container, config, dataDir, node, log }) {
    const identity = { machineId: node.machineId, bootId: randomBytes(16).toString('hex'), hostname: os.hostname() };
    container.resolve(JOURNAL.Open).store = await JournalStore.open(dataDir, config, identity, log);
  },
  async stop({ container }) {
    const holder = container.resolve(JOURNAL.Open);
    await holder.store?.close();
    holder.store = undefined;
  },
});
