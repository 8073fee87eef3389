import type { JournalFields } from '../../../core/index.js';

const RESET = '\x1b[0m';

/** journalctl's highlighting of a message by PRIORITY: err and worse bold red, warning bold yellow, notice bold, debug grey. */
export function priorityColour(fields: JournalFields): string | undefined {
  const text = fields.PRIORITY;
  if (text === undefined || !/^[0-7]$/.test(text)) return undefined;
  const priority = Number(text);
  if (priority <= 3) return '\x1b[0;1;31m';
  if (priority === 4) return '\x1b[0;1;33m';
  if (priority === 5) return '\x1b[0;1;39m';
  if (priority === 7) return '\x1b[0;38;5;245m';
  return undefined;
}

export function paint(text: string, colour: string | undefined): string {
  return colour ? `${colour}${text}${RESET}` : text;
}
