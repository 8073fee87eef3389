import type { JournalEntry } from '../../../core/index.js';
import { fullTime } from './clock.js';
import { paint, priorityColour } from './colour.js';
import type { FormatOptions } from './options.js';

/** `Wed 2024-11-27 22:33:12.123456 UTC [cursor]`, then every field indented by four spaces. */
export function formatVerbose(entry: JournalEntry, options: FormatOptions = {}): string {
  const colour = options.colour ? priorityColour(entry.fields) : undefined;
  const lines = [`${fullTime(entry.realtimeUs, options.utc ?? false, true)} [${entry.cursor}]`];
  for (const [name, value] of Object.entries(entry.fields)) {
    const text = `${name}=${value}`;
    lines.push(`    ${name === 'MESSAGE' ? paint(text, colour) : text}`);
  }
  return lines.join('\n');
}
