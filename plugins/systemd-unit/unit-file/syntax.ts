import type { UnitDiagnostic, UnitEntry, UnitSection } from './definition.js';

/** The longest line systemd reads, in bytes, for a physical line and for a joined continuation. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Key names as unit files use them: letters, digits, `_`, `-` and `.` (`X-Fleet` keys included). */
const KEY_NAME = /^[A-Za-z0-9_.-]+$/;

/** Characters a section name may not contain: controls, quotes, backslash and brackets. */
const UNSAFE_SECTION_CHAR = /[\x00-\x1f\x7f"'\\[\]]/;

const WHITESPACE = ' \t\n\r';
const COMMENT_STARTS = '#;';

export interface ParsedUnitText {
  /** Sections in order of first appearance; a repeated section's entries are appended to the first. */
  sections: UnitSection[];
  diagnostics: UnitDiagnostic[];
}

export function isValidKeyName(key: string): boolean {
  return KEY_NAME.test(key);
}

export function isValidSectionName(name: string): boolean {
  return name.length > 0 && !UNSAFE_SECTION_CHAR.test(name);
}

/**
 * Splits unit-file text into sections and `Key=Value` entries as systemd.syntax(7) reads it.
 * Values are kept as written (not unquoted); malformed lines are reported and skipped.
 */
export function parseUnitText(text: string, file: string): ParsedUnitText {
  const sections: UnitSection[] = [];
  const byName = new Map<string, UnitSection>();
  const diagnostics: UnitDiagnostic[] = [];
  let current: UnitSection | undefined;
  // After a bad header, assignments belong to no usable section; the header's error covers them.
  let skippingBadSection = false;

  const report =
    (severity: 'error' | 'warning') =>
    (line: number, message: string, extra: { section?: string; key?: string } = {}) => {
      diagnostics.push({ severity, file, line, ...extra, message });
    };
  const error = report('error');
  // systemd only warns about (and skips) keys it does not know, which includes malformed ones.
  const warning = report('warning');

  const handleLogicalLine = (raw: string, lineNo: number) => {
    const line = trimWhitespace(raw);
    if (line === '') return;

    if (line.startsWith('[')) {
      if (!line.endsWith(']') || line.length < 2) {
        error(lineNo, `invalid section header '${abbreviate(line)}'`);
        current = undefined;
        skippingBadSection = true;
        return;
      }
      const name = line.slice(1, -1);
      if (!isValidSectionName(name)) {
        error(lineNo, `invalid section name '${abbreviate(name)}'`);
        current = undefined;
        skippingBadSection = true;
        return;
      }
      skippingBadSection = false;
      current = byName.get(name);
      if (!current) {
        current = { name, entries: [] };
        byName.set(name, current);
        sections.push(current);
      }
      return;
    }

    if (skippingBadSection) return;

    const eq = line.indexOf('=');
    if (eq < 0) {
      error(lineNo, `missing '=' in '${abbreviate(line)}', line ignored`, current ? { section: current.name } : {});
      return;
    }
    const key = trimWhitespace(line.slice(0, eq));
    const value = trimWhitespace(line.slice(eq + 1));
    if (!current) {
      error(lineNo, `assignment '${abbreviate(key)}=' outside of any section, ignored`, { key });
      return;
    }
    if (key === '') {
      warning(lineNo, `missing key name before '=' in [${current.name}], line ignored`, { section: current.name });
      return;
    }
    if (!isValidKeyName(key)) {
      warning(lineNo, `invalid key name '${abbreviate(key)}' in [${current.name}], line ignored`, {
        section: current.name,
        key,
      });
      return;
    }
    const entry: UnitEntry = { key, value, file, line: lineNo };
    current.entries.push(entry);
  };

  const physicalLines = splitPhysicalLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  let continuation: { text: string; line: number } | undefined;
  // After an over-long line, the lines continuing it are dropped with it.
  let discarding = false;

  for (let i = 0; i < physicalLines.length; i++) {
    const lineNo = i + 1;
    const physical = physicalLines[i]!;

    if (Buffer.byteLength(physical, 'utf8') > MAX_LINE_BYTES) {
      error(continuation?.line ?? lineNo, `line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes, ignored`);
      continuation = undefined;
      discarding = endsWithUnescapedBackslash(physical);
      continue;
    }

    // Comment lines are skipped even in the middle of a continuation, which then resumes.
    const lead = skipLeadingWhitespace(physical);
    if (lead !== '' && COMMENT_STARTS.includes(lead[0]!)) continue;

    if (discarding) {
      discarding = endsWithUnescapedBackslash(physical);
      continue;
    }

    const joined = continuation ? continuation.text + physical : physical;
    const startLine = continuation ? continuation.line : lineNo;

    if (Buffer.byteLength(joined, 'utf8') > MAX_LINE_BYTES) {
      error(startLine, `continued line longer than ${MAX_LINE_BYTES} bytes, ignored`);
      continuation = undefined;
      discarding = endsWithUnescapedBackslash(physical);
      continue;
    }

    if (endsWithUnescapedBackslash(physical)) {
      continuation = { text: joined.slice(0, -1) + ' ', line: startLine };
      continue;
    }

    continuation = undefined;
    handleLogicalLine(joined, startLine);
  }
  if (continuation) handleLogicalLine(continuation.text, continuation.line);

  return { sections, diagnostics };
}

/** Each section's `[key, value]` pairs in order, for lookups that do not need file and line. */
export function sectionsToMap(sections: readonly UnitSection[]): Map<string, [string, string][]> {
  const map = new Map<string, [string, string][]>();
  for (const section of sections) {
    let pairs = map.get(section.name);
    if (!pairs) {
      pairs = [];
      map.set(section.name, pairs);
    }
    for (const entry of section.entries) pairs.push([entry.key, entry.value]);
  }
  return map;
}

/** systemd ends a line at `\n`, `\r\n`, `\r` or NUL. A final line terminator adds no empty line. */
function splitPhysicalLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n|\0/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** True when the line ends in a backslash that is not itself escaped (`\\` at the end is not a continuation). */
function endsWithUnescapedBackslash(line: string): boolean {
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    if (escaped) escaped = false;
    else if (line[i] === '\\') escaped = true;
  }
  return escaped;
}

function skipLeadingWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  return s.slice(i);
}

function trimWhitespace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && WHITESPACE.includes(s[start]!)) start++;
  while (end > start && WHITESPACE.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
