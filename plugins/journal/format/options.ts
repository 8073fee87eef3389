export const OUTPUT_FORMATS = [
  'short',
  'short-full',
  'short-iso',
  'short-iso-precise',
  'short-precise',
  'short-monotonic',
  'short-unix',
  'json',
  'json-pretty',
  'json-sse',
  'json-seq',
  'cat',
  'verbose',
  'with-unit',
] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatOptions {
  /** ANSI colours by priority, as journalctl uses on a terminal. */
  colour?: boolean;
  /** Times in UTC rather than local time (journalctl's --utc). */
  utc?: boolean;
  /** JSON formats: keep values longer than 4096 bytes instead of null (journalctl's --all). */
  all?: boolean;
}
