import type { JournalEntry } from '../../../core/index.js';
import { formatJson, formatJsonPretty, formatJsonSeq, formatJsonSse } from './json.js';
import type { FormatOptions, OutputFormat } from './options.js';
import { formatCat, formatShort } from './short.js';
import { formatVerbose } from './verbose.js';

export { entryFromJson, entryToJson, JournalJsonError } from './json.js';
export { isOutputFormat, OUTPUT_FORMATS, type FormatOptions, type OutputFormat } from './options.js';

/** One entry in a journalctl output format, without the final newline; undefined when the format shows nothing for it. */
export function formatEntry(entry: JournalEntry, format: OutputFormat, options: FormatOptions = {}): string | undefined {
  switch (format) {
    case 'json':
      return formatJson(entry, options);
    case 'json-pretty':
      return formatJsonPretty(entry, options);
    case 'json-sse':
      return formatJsonSse(entry, options);
    case 'json-seq':
      return formatJsonSeq(entry, options);
    case 'cat':
      return formatCat(entry, options);
    case 'verbose':
      return formatVerbose(entry, options);
    default:
      return formatShort(entry, format, options);
  }
}

export function isJsonFormat(format: OutputFormat): boolean {
  return format.startsWith('json');
}

/** The media type the API answers with for a format. */
export function contentTypeOf(format: OutputFormat): string {
  if (format === 'json') return 'application/x-ndjson';
  if (format === 'json-pretty') return 'application/json';
  if (format === 'json-sse') return 'text/event-stream';
  if (format === 'json-seq') return 'application/json-seq';
  return 'text/plain; charset=utf-8';
}
