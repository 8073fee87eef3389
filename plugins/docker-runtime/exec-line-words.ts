/**
 * Writing words into an Exec*= value so that systemd's command-line parsing gives them back:
 * quoting as systemd.syntax(7) reads it, and `$` doubled so that environment substitution leaves
 * it alone. `%` is left as written, so that specifiers (`%N`, `%h`) expand as in any unit setting.
 */

const SEPARATORS = ' \t\n\r';

/** A word that comes back from the Exec*= parser exactly as given, `%` specifiers aside. */
export function execWord(word: string): string {
  return quoteWord(escapeDollars(word));
}

/** `$` → `$$`, which environment substitution turns back into one `$`. */
export function escapeDollars(text: string): string {
  return text.replace(/\$/g, () => '$$');
}

/** As is when nothing in it is special to systemd's word splitting, else in double quotes with `\` and `"` escaped. */
export function quoteWord(word: string): string {
  if (word !== '' && word !== ';' && !/[\s"'\\\x00-\x1f\x7f]/.test(word)) return word;
  let out = '"';
  for (const char of word) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"') out += '\\' + char;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + '"';
}

export type RawItems = { items: string[]; error?: undefined } | { items: string[]; error: string };

/**
 * Splits a value written in systemd's quoted-list syntax (Environment=, Exec=) into its items
 * with their quotes and escapes kept, so that each can be placed in an Exec*= value and unquoted
 * there the way its own setting would have unquoted it.
 */
export function splitKeepingQuotes(value: string): RawItems {
  const items: string[] = [];
  let i = 0;
  for (;;) {
    while (i < value.length && SEPARATORS.includes(value[i]!)) i++;
    if (i >= value.length) return { items };
    const start = i;
    let quote: string | undefined;
    while (i < value.length) {
      const c = value[i]!;
      if (quote === undefined && SEPARATORS.includes(c)) break;
      if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = undefined;
      // An escaped character never ends the item nor opens or closes a quote.
      if (c === '\\') i++;
      i++;
    }
    if (quote !== undefined) return { items, error: `unbalanced quoting: ${quote} is never closed in ${value.slice(start)}` };
    items.push(value.slice(start, i));
  }
}
