import { token } from '../../core/index.js';
import type { JournalConfig } from './config.js';
import type { JournalStore } from './store/journal-store.js';

export const JOURNAL = Object.freeze({
  Config: token<JournalConfig>('journal.Config'),
  Store: token<JournalStore>('journal.Store'),
});
