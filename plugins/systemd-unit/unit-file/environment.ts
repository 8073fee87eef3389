import type { UnitDiagnostic } from './definition.js';
import { readWord } from './quoting.js';

/** ASCII letters, digits and `_`, not starting with a digit. */
export function isValidEnvironmentName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

export interface ParsedEnvironmentSetting {
  /** In order of appearance; a later pair for the same name wins when applied. */
  assignments: [string, string][];
  warnings: string[];
}

/**
 * Environment=: space-separated `NAME=value` items, each unquoted as a whole (`"NAME=a b"`), C
 * escapes decoded, no `$` expansion. As in systemd, nothing here is fatal: an invalid item is
 * skipped with a warning, and a syntax error (unbalanced quote, unknown escape) drops that item
 * and the rest of the value. `expandWord` (specifiers) runs on each unquoted item; if it throws,
 * the item is skipped.
 */
export function parseEnvironmentSetting(value: string, options: { expandWord?: (word: string) => string } = {}): ParsedEnvironmentSetting {
  const assignments: [string, string][] = [];
  const warnings: string[] = [];
  let position = 0;
  for (;;) {
    const result = readWord(value, position);
    if (result.kind === 'end') break;
    if (result.kind === 'error' || result.unknownEscapes.length > 0) {
      const why = result.kind === 'error' ? result.message : `unknown escape ${result.unknownEscapes.join(', ')}`;
      warnings.push(`invalid syntax (${why}), ignoring from '${value.slice(result.start)}' on`);
      break;
    }
    position = result.end;

    let item = result.word;
    if (options.expandWord) {
      try {
        item = options.expandWord(item);
      } catch (error) {
        warnings.push(`cannot expand specifiers in '${item}', ignoring it: ${(error as Error).message}`);
        continue;
      }
    }
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !isValidEnvironmentName(name)) {
      warnings.push(`invalid environment assignment '${item}', ignoring it: expected NAME=value with NAME of letters, digits and '_'`);
      continue;
    }
    assignments.push([name, item.slice(eq + 1)]);
  }
  return { assignments, warnings };
}

export interface ParsedEnvironmentFile {
  assignments: [string, string][];
  /** Invalid lines, with the line where each starts. */
  warnings: UnitDiagnostic[];
}

const NEWLINE = '\n\r';
const BLANK = ' \t\n\r';
/** Inside double quotes a backslash escapes only these; before anything else it stays. */
const DOUBLE_QUOTE_ESCAPABLE = '"\\`$';

type State =
  | 'pre-key'
  | 'key'
  | 'pre-value'
  | 'value'
  | 'value-escape'
  | 'single-quote'
  | 'double-quote'
  | 'double-quote-escape'
  | 'comment'
  | 'comment-escape';

/**
 * An EnvironmentFile= (systemd 252 rules): `NAME=value` lines; `#` or `;` at the start of a line
 * begins a comment, which a trailing backslash continues onto the next line. Whitespace around
 * the name and the value is dropped. Unquoted, a backslash takes the next character literally
 * and joins lines; `'…'` is literal and may span lines; `"…"` may span lines, and in it a
 * backslash escapes only `" \ \` $` (and joins lines). Quoted and unquoted parts run together
 * (`a="x"y` is `xy`); a quote after unquoted text is literal. No `export`: `export A=1` is an
 * invalid name.
 */
export function parseEnvironmentFile(text: string, file: string): ParsedEnvironmentFile {
  const assignments: [string, string][] = [];
  const warnings: UnitDiagnostic[] = [];
  let state: State = 'pre-key';
  let key = '';
  let value = '';
  // Offsets of trailing whitespace to cut at the end of the key / an unquoted value.
  let keyWhitespaceAt = -1;
  let valueWhitespaceAt = -1;
  let line = 1;
  let startLine = 1;

  const push = () => {
    const name = keyWhitespaceAt >= 0 ? key.slice(0, keyWhitespaceAt) : key;
    if (isValidEnvironmentName(name)) assignments.push([name, value]);
    else {
      const hint = name.startsWith('export ') ? " ('export' is not supported)" : '';
      warnings.push({ severity: 'warning', file, line: startLine, message: `invalid variable name '${name}'${hint}, ignoring the assignment` });
    }
    key = '';
    value = '';
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const isNewline = NEWLINE.includes(c);

    switch (state) {
      case 'pre-key':
        if (c === '#' || c === ';') state = 'comment';
        else if (!BLANK.includes(c)) {
          state = 'key';
          startLine = line;
          key = c;
          keyWhitespaceAt = -1;
        }
        break;

      case 'key':
        if (isNewline) {
          warnings.push({ severity: 'warning', file, line: startLine, message: `missing '=' after '${key.trim()}', ignoring the line` });
          state = 'pre-key';
          key = '';
        } else if (c === '=') {
          state = 'pre-value';
          value = '';
          valueWhitespaceAt = -1;
        } else {
          if (!BLANK.includes(c)) keyWhitespaceAt = -1;
          else if (keyWhitespaceAt < 0) keyWhitespaceAt = key.length;
          key += c;
        }
        break;

      case 'pre-value':
        if (isNewline) {
          state = 'pre-key';
          push();
        } else if (c === "'") state = 'single-quote';
        else if (c === '"') state = 'double-quote';
        else if (c === '\\') state = 'value-escape';
        else if (!BLANK.includes(c)) {
          state = 'value';
          value += c;
        }
        break;

      case 'value':
        if (isNewline) {
          state = 'pre-key';
          if (valueWhitespaceAt >= 0) value = value.slice(0, valueWhitespaceAt);
          push();
        } else if (c === '\\') {
          state = 'value-escape';
          valueWhitespaceAt = -1;
        } else {
          if (!BLANK.includes(c)) valueWhitespaceAt = -1;
          else if (valueWhitespaceAt < 0) valueWhitespaceAt = value.length;
          value += c;
        }
        break;

      case 'value-escape':
        state = 'value';
        if (!isNewline) value += c;
        break;

      case 'single-quote':
        if (c === "'") state = 'pre-value';
        else value += c;
        break;

      case 'double-quote':
        if (c === '"') state = 'pre-value';
        else if (c === '\\') state = 'double-quote-escape';
        else value += c;
        break;

      case 'double-quote-escape':
        state = 'double-quote';
        if (DOUBLE_QUOTE_ESCAPABLE.includes(c)) value += c;
        else if (c !== '\n') value += '\\' + c;
        break;

      case 'comment':
        if (c === '\\') state = 'comment-escape';
        else if (isNewline) state = 'pre-key';
        break;

      case 'comment-escape':
        state = 'comment';
        break;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
  }

  switch (state) {
    case 'value':
      if (valueWhitespaceAt >= 0) value = value.slice(0, valueWhitespaceAt);
      push();
      break;
    case 'single-quote':
    case 'double-quote':
    case 'double-quote-escape':
      warnings.push({
        severity: 'warning',
        file,
        line: startLine,
        message: `unterminated quote in the value of '${key.trim()}', using the text up to the end of the file`,
      });
      push();
      break;
    case 'pre-value':
    case 'value-escape':
      push();
      break;
    case 'key':
      warnings.push({ severity: 'warning', file, line: startLine, message: `missing '=' after '${key.trim()}', ignoring the line` });
      break;
    default:
      break;
  }
  return { assignments, warnings };
}
