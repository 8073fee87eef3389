import { token } from '../../core/index.js';
import type { JournalConfig } from './config.js';
import type { OpenJournal } from './index.js';
import type { JournalStore } from './store/journal-store.js';

export const JOURNAL = Object.freeze({
  Config: token<JournalConfig>('journal.Config'),
  Store: token<JournalStore>('journal.Store'),
  /** Holds the store once the plugin has started. */
  Open: token<OpenJournal>('journal.Open'),
});
