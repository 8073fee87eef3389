import type { CommandSet } from '../../../core/index.js';
import JournalCommand from './journal.js';

export const JOURNAL_COMMANDS: CommandSet = { journal: JournalCommand };
