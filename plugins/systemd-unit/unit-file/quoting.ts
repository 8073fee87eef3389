/**
 * Word splitting, quoting and C-style escapes as systemd.syntax(7) defines them for settings that
 * take quoted lists (command lines, Environment=, …).
 *
 * Quotes behave as systemd 252 does, not as the manual's stricter wording suggests: a quoted
 * span may start or end inside a word and is joined with what surrounds it (`--name="a b"` is the
 * one word `--name=a b`). `strictQuotes` reports such words as errors for callers that want the
 * documented form only.
 */

const WORD_SEPARATORS = ' \t\n\r';

export interface SplitWordsOptions {
  /** Reject a quote that opens inside a word or closes without whitespace or the end after it. */
  strictQuotes?: boolean;
  /**
   * Decode C escapes (the default). When false a backslash takes the next character literally,
   * as a shell does; systemd splits `$VAR` values this way.
   */
  cEscapes?: boolean;
  /** End the word at an unclosed quote or a trailing backslash instead of failing (dropping the backslash). */
  relaxed?: boolean;
}

export interface SplitWordsResult {
  words: string[];
  /** One message per word that held escapes systemd does not know; those were kept as written. */
  warnings: string[];
  /** Set when the text cannot be split (unbalanced quotes); `words` then holds the words before it. */
  error?: string;
}

export type ReadWordResult =
  | { kind: 'end' }
  | {
      kind: 'word';
      word: string;
      /** Offset of the word's first character in the text. */
      start: number;
      /** Offset just after the word (separators after it not skipped). */
      end: number;
      /** Unknown escape sequences met, kept verbatim in `word`. */
      unknownEscapes: string[];
    }
  | { kind: 'error'; start: number; message: string };

export function isWordSeparator(char: string | undefined): boolean {
  return char !== undefined && char !== '' && WORD_SEPARATORS.includes(char);
}

/** Offset of the first non-separator character at or after `position`. */
export function skipSeparators(text: string, position: number): number {
  let i = position;
  while (i < text.length && isWordSeparator(text[i])) i++;
  return i;
}

/** Splits a value into unquoted, unescaped words. Never throws. */
export function splitWords(value: string, options: SplitWordsOptions = {}): SplitWordsResult {
  const words: string[] = [];
  const warnings: string[] = [];
  let position = 0;
  for (;;) {
    const result = readWord(value, position, options);
    if (result.kind === 'end') return { words, warnings };
    if (result.kind === 'error') return { words, warnings, error: result.message };
    if (result.unknownEscapes.length > 0) warnings.push(unknownEscapesMessage(result.word));
    words.push(result.word);
    position = result.end;
  }
}

export function unknownEscapesMessage(word: string): string {
  return `unknown escape sequences kept as written in "${word}"`;
}

/**
 * Reads the next word at or after `position`: separators skipped, quotes removed, escapes
 * decoded. An unknown escape, or a backslash ending the text outside quotes, is kept verbatim.
 */
export function readWord(text: string, position: number, options: SplitWordsOptions = {}): ReadWordResult {
  const start = skipSeparators(text, position);
  if (start >= text.length) return { kind: 'end' };

  const out = new WordBuilder();
  const unknownEscapes: string[] = [];
  let quote: '"' | "'" | undefined;
  let quoteOpenedAt = -1;
  let i = start;

  while (i < text.length) {
    const c = text[i]!;
    if (quote === undefined) {
      if (isWordSeparator(c)) break;
      if (c === '"' || c === "'") {
        if (options.strictQuotes && i !== start) {
          return { kind: 'error', start, message: `quote opened inside a word at offset ${i}: ${text.slice(start)}` };
        }
        quote = c;
        quoteOpenedAt = i;
        i++;
        continue;
      }
    } else if (c === quote) {
      quote = undefined;
      i++;
      if (options.strictQuotes && i < text.length && !isWordSeparator(text[i])) {
        return { kind: 'error', start, message: `closing quote not followed by whitespace at offset ${i - 1}: ${text.slice(start)}` };
      }
      continue;
    }

    if (c === '\\') {
      if (i + 1 >= text.length) {
        i++;
        if (options.relaxed) break;
        if (quote !== undefined) break;
        out.char('\\');
        unknownEscapes.push('\\');
        continue;
      }
      if (options.cEscapes === false) {
        out.char(text[i + 1]!);
        i += 2;
        continue;
      }
      i = appendEscape(text, i, out, unknownEscapes);
      continue;
    }

    out.char(c);
    i++;
  }

  if (quote !== undefined && !options.relaxed) {
    return { kind: 'error', start, message: `unbalanced quoting: ${quote} opened at offset ${quoteOpenedAt} is never closed in ${text.slice(start)}` };
  }
  return { kind: 'word', word: out.finish(), start, end: i, unknownEscapes };
}

/** Appends the escape at `text[at]` (a backslash); an unknown one is kept as written and listed. Returns where the text goes on. */
function appendEscape(text: string, at: number, out: WordBuilder, unknown: string[]): number {
  const escape = decodeEscape(text, at + 1);
  if (!escape) {
    out.char('\\' + text[at + 1]!);
    unknown.push('\\' + text[at + 1]!);
    return at + 2;
  }
  if (escape.kind === 'byte') out.byte(escape.value);
  else out.char(escape.value);
  return at + 1 + escape.length;
}

/** Decodes C escapes in the whole text (no quote handling); unknown escapes are kept and listed. */
export function unescapeC(text: string): { value: string; warnings: string[] } {
  const out = new WordBuilder();
  const unknown: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '\\') {
      out.char(c);
      i++;
      continue;
    }
    if (i + 1 >= text.length) {
      out.char('\\');
      unknown.push('\\');
      break;
    }
    i = appendEscape(text, i, out, unknown);
  }
  const value = out.finish();
  return { value, warnings: unknown.length > 0 ? [unknownEscapesMessage(value)] : [] };
}

/**
 * Writes a word so that `splitWords` reads it back unchanged: as is when it has nothing special,
 * else in double quotes with `\`, `"` and control characters escaped.
 * `%` (specifiers) and `$` (variables) are not this layer's concern.
 */
export function quoteWord(word: string): string {
  if (word !== '' && word !== ';' && !/[\s"'\\\x00-\x1f\x7f]/.test(word)) return word;
  let out = '"';
  for (const char of word) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"') out += '\\' + char;
    else if (code === 0) throw new RangeError('a word cannot hold a NUL character');
    else if (code < 0x20 || code === 0x7f) out += CONTROL_ESCAPES[char] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + '"';
}

/** Joins words into a line that `splitWords` splits back into the same words. */
export function quoteWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

const CONTROL_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

type DecodedEscape = { kind: 'char'; value: string; length: number } | { kind: 'byte'; value: number; length: number };

/**
 * Decodes the escape whose letter is at `at` (just after the backslash). `length` counts the
 * characters after the backslash. NUL, out-of-range and non-character values are refused, as
 * systemd refuses them, and then count as unknown escapes.
 */
function decodeEscape(text: string, at: number): DecodedEscape | undefined {
  const letter = text[at]!;
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined) return { kind: 'char', value: simple, length: 1 };

  if (letter === 'x') {
    const value = parseDigits(text, at + 1, 2, 16);
    if (value === undefined || value === 0) return undefined;
    return { kind: 'byte', value, length: 3 };
  }
  if (letter === 'u' || letter === 'U') {
    const digits = letter === 'u' ? 4 : 8;
    const value = parseDigits(text, at + 1, digits, 16);
    if (value === undefined || value === 0 || !isValidCodePoint(value)) return undefined;
    return { kind: 'char', value: String.fromCodePoint(value), length: 1 + digits };
  }
  if (letter >= '0' && letter <= '7') {
    const value = parseDigits(text, at, 3, 8);
    if (value === undefined || value === 0 || value > 0xff) return undefined;
    return { kind: 'byte', value, length: 3 };
  }
  return undefined;
}

function parseDigits(text: string, at: number, count: number, radix: 8 | 16): number | undefined {
  const digits = text.slice(at, at + count);
  if (digits.length !== count) return undefined;
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
  if (!pattern.test(digits)) return undefined;
  return Number.parseInt(digits, radix);
}

/** Unicode scalar values that are characters: no surrogates, non-characters or values past U+10FFFF. */
function isValidCodePoint(value: number): boolean {
  if (value >= 0x110000) return false;
  if (value >= 0xd800 && value <= 0xdfff) return false;
  if (value >= 0xfdd0 && value <= 0xfdef) return false;
  if ((value & 0xfffe) === 0xfffe) return false;
  return true;
}

/**
 * Collects a word from characters and raw bytes (`\xNN`, `\NNN`); runs of bytes are decoded as
 * UTF-8, so `\xc3\xa9` is `é`. Bytes that are not valid UTF-8 become U+FFFD.
 */
class WordBuilder {
  private text = '';
  private bytes: number[] = [];
  private static readonly decoder = new TextDecoder('utf-8');

  char(c: string): void {
    this.flush();
    this.text += c;
  }

  byte(b: number): void {
    this.bytes.push(b);
  }

  finish(): string {
    this.flush();
    return this.text;
  }

  private flush(): void {
    if (this.bytes.length === 0) return;
    this.text += WordBuilder.decoder.decode(Uint8Array.from(this.bytes));
    this.bytes = [];
  }
}
