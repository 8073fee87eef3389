import type { UnitSection } from './definition.js';
import { isValidKeyName, isValidSectionName, MAX_LINE_BYTES } from './syntax.js';

/**
 * Writes sections as unit-file text that parseUnitText reads back to the same sections and
 * entries (file and line aside): one `[Section]` header per section, one `Key=Value` line per entry.
 *
 * Every value parseUnitText produces can be written: it has no line breaks or NUL (those end a
 * line) and no whitespace at either end (trimmed). A value ending in an odd run of backslashes
 * (which parseUnitText yields for `Key=a\ \` followed by an empty line) is written in that same
 * form, since a line ending in it would continue onto the next. Values outside that set cannot be
 * written so that they read back the same and are refused with a RangeError, as are invalid
 * names and over-long lines. Sections with the same name are written separately and read back merged.
 */
export function serializeUnit(sections: readonly UnitSection[]): string {
  const blocks: string[] = [];
  for (const section of sections) {
    if (!isValidSectionName(section.name)) throw new RangeError(`cannot write section name '${section.name}'`);
    const lines = [`[${section.name}]`];
    for (const entry of section.entries) {
      if (!isValidKeyName(entry.key)) throw new RangeError(`cannot write key '${entry.key}' in [${section.name}]`);
      const problem = unwritableValueProblem(entry.value);
      if (problem) throw new RangeError(`cannot write [${section.name}] ${entry.key}=: the value ${problem}`);
      // A space escaped by the value's last backslash, then a continuation onto an empty line.
      const line = endsInOddBackslashes(entry.value) ? `${entry.key}=${entry.value} \\\n` : `${entry.key}=${entry.value}`;
      if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
        throw new RangeError(`cannot write [${section.name}] ${entry.key}=: the line is longer than ${MAX_LINE_BYTES} bytes`);
      }
      lines.push(line);
    }
    blocks.push(lines.join('\n') + '\n');
  }
  return blocks.join('\n');
}

function unwritableValueProblem(value: string): string | undefined {
  if (/[\n\r\0]/.test(value)) return 'contains a line break or NUL';
  if (/^[ \t]|[ \t]$/.test(value)) return 'starts or ends with whitespace';
  return undefined;
}

function endsInOddBackslashes(value: string): boolean {
  return /\\*$/.exec(value)![0].length % 2 === 1;
}
