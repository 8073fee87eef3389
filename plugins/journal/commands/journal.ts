import { Args, Flags } from '@oclif/core';
import type { JournalQuery } from '../../../core/index.js';
import { ClientCommand, NodeClient, streamLines } from '../../../core/cli/index.js';
import { parseDuration } from '../../../core/config/units.js';
import { entryFromJson, formatEntry, isJsonFormat, OUTPUT_FORMATS, type OutputFormat } from '../format/index.js';
import { paramsFromQuery, parseQuerySpec, QueryParamError } from '../query-params.js';

/** Long enough for a follow; an unreachable node still fails at once. */
const STREAM_TIMEOUT_MS = 2_147_483_647;

export default class JournalCommand extends ClientCommand {
  static override summary = "Print the node's journal, as journalctl does.";
  static override description =
    'Reads GET /v1/journal and prints the entries in the chosen format. FIELD=VALUE arguments match fields: the same field ' +
    'repeated matches any of its values, different fields must all match. -f keeps printing new entries until Ctrl-C. ' +
    'Colours follow the priority when stdout is a terminal. --json is -o json.';
  static override examples = [
    '<%= config.bin %> journal -u app.service -n 20',
    '<%= config.bin %> journal -f -p err',
    '<%= config.bin %> journal --since "2024-11-27 10:00" --until "-1h" -o json',
    '<%= config.bin %> journal _PID=1234 SYSLOG_IDENTIFIER=app',
  ];
  static override strict = false;
  static override args = { matches: Args.string({ description: 'FIELD=VALUE matches', required: false }) };
  static override flags = {
    unit: Flags.string({ char: 'u', description: 'entries of this unit (repeatable)', multiple: true }),
    follow: Flags.boolean({ char: 'f', description: 'keep printing new entries until interrupted' }),
    lines: Flags.string({ char: 'n', description: 'only the last N entries, or "all" (-f shows 10 by default)' }),
    priority: Flags.string({ char: 'p', description: 'this priority and more important (err or 3), or a range (warning..err)' }),
    since: Flags.string({ char: 'S', description: 'entries on or after this time ("2024-11-27 10:00", today, -1h)' }),
    until: Flags.string({ char: 'U', description: 'entries on or before this time' }),
    output: Flags.string({ char: 'o', description: 'output format', options: [...OUTPUT_FORMATS], default: 'short' }),
    cursor: Flags.string({ char: 'c', description: 'start at this cursor' }),
    'after-cursor': Flags.string({ description: 'start after this cursor' }),
    'show-cursor': Flags.boolean({ description: 'print the cursor of the last entry after them' }),
    reverse: Flags.boolean({ char: 'r', description: 'newest entries first' }),
    'no-pager': Flags.boolean({ description: 'accepted for journalctl compatibility; output is never paged' }),
    utc: Flags.boolean({ description: 'show times in UTC' }),
    all: Flags.boolean({ char: 'a', description: 'json formats: keep values longer than 4096 bytes' }),
    'disk-usage': Flags.boolean({ description: 'print how much disk the journal takes', helpGroup: 'MAINTENANCE' }),
    'vacuum-size': Flags.string({ description: 'remove the oldest archived files until the journal takes at most this much (500M, 1G)', helpGroup: 'MAINTENANCE' }),
    'vacuum-time': Flags.string({ description: 'remove archived files with entries older than this (2d, 1w, 12h)', helpGroup: 'MAINTENANCE' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(JournalCommand);
    if (flags['disk-usage'] || flags['vacuum-size'] !== undefined || flags['vacuum-time'] !== undefined) {
      return this.maintain(flags);
    }
    const output = (this.jsonEnabled() ? 'json' : flags.output) as OutputFormat;
    let query: JournalQuery;
    try {
      query = parseQuerySpec({
        units: flags.unit,
        matches: argv as string[],
        priority: flags.priority,
        since: flags.since,
        until: flags.until,
        lines: flags.lines,
        cursor: flags.cursor,
        afterCursor: flags['after-cursor'],
        reverse: flags.reverse,
      });
      if (flags.follow && flags.reverse) throw new QueryParamError('Please specify either --reverse or --follow, not both');
    } catch (error) {
      if (error instanceof QueryParamError) this.error(error.message, { exit: 1 });
      throw error;
    }
    const params = paramsFromQuery(query);
    if (flags.follow) params.set('follow', 'true');
    const client = new NodeClient(flags.endpoint, flags.token, STREAM_TIMEOUT_MS);
    const response = await client.request('GET', `/v1/journal?${params}`);

    const stop = new AbortController();
    const interrupted = () => stop.abort();
    process.once('SIGINT', interrupted);
    const options = { colour: !isJsonFormat(output) && process.stdout.isTTY === true && !process.env.NO_COLOR, utc: flags.utc, all: flags.all };
    let shown = 0;
    let lastCursor: string | undefined;
    try {
      if (!response.body) return;
      for await (const line of streamLines(response.body, stop.signal, { skipEmpty: true })) {
        const entry = entryFromJson(line);
        lastCursor = entry.cursor;
        const text = formatEntry(entry, output, options);
        if (text === undefined) continue;
        process.stdout.write(`${text}\n`);
        shown += 1;
      }
    } finally {
      process.off('SIGINT', interrupted);
    }
    if (!flags.follow && shown === 0 && !isJsonFormat(output)) process.stdout.write('-- No entries --\n');
    if (flags['show-cursor'] && lastCursor !== undefined) process.stdout.write(`-- cursor: ${lastCursor}\n`);
  }

  /** journalctl's --disk-usage and --vacuum-size/--vacuum-time, in its words. */
  private async maintain(flags: { endpoint: string; token?: string; 'disk-usage'?: boolean; 'vacuum-size'?: string; 'vacuum-time'?: string }): Promise<void> {
    const client = new NodeClient(flags.endpoint, flags.token);
    const params = new URLSearchParams();
    if (flags['vacuum-size'] !== undefined) {
      const size = parseJournalSize(flags['vacuum-size']);
      if (size === undefined) this.error(`Failed to parse size value: ${flags['vacuum-size']}`, { exit: 1 });
      params.set('size', String(size));
    }
    if (flags['vacuum-time'] !== undefined) {
      const time = parseDuration(flags['vacuum-time']);
      if (time === undefined) this.error(`Failed to parse timestamp: ${flags['vacuum-time']}`, { exit: 1 });
      params.set('time', String(time));
    }
    if ([...params].length > 0) {
      const result = (await (await client.request('POST', `/v1/journal/vacuum?${params}`)).json()) as { removedFiles: number; freedBytes: number };
      this.log(`Vacuuming done, freed ${humanBytes(result.freedBytes)} of archived journals (${result.removedFiles} files).`);
    }
    if (flags['disk-usage']) {
      const usage = await client.getJson<{ bytes: number; files: number; entries: number }>('/v1/journal/usage');
      this.log(`Archived and active journals take up ${humanBytes(usage.bytes)} in the file system (${usage.files} files, ${usage.entries} entries).`);
    }
  }
}

/** journalctl's sizes: K, M, G, T are powers of 1024; a plain number is bytes. */
export function parseJournalSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(text.trim());
  if (!match) return undefined;
  const power = ' KMGT'.indexOf((match[2] || ' ').toUpperCase());
  return Math.round(Number(match[1]) * 1024 ** power);
}

function humanBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${units[unit]}`;
}

