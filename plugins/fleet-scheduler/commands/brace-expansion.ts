/**
 * Bash's brace expansion, which fleetctl users rely on (`fleetctl start app@{1..3}.service`),
 * done here because the arguments reach the command without a shell when quoted: `{x,y,z}`
 * alternatives (nested, empty ones allowed), `{1..10}`, `{01..10}` (zero-padded), `{10..1..2}`
 * and `{a..e}` sequences. A brace with neither a top-level comma nor a valid sequence stays as
 * written, and a backslash keeps the next character from counting as a brace or comma.
 */

export class BraceExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BraceExpansionError';
  }
}

/** More names than this from one argument is a typo, not a cluster. */
export const MAX_EXPANSION = 10_000;

export function expandBraces(word: string): string[] {
  const words = expand(word);
  if (words.length > MAX_EXPANSION) throw new BraceExpansionError(`${word} expands to more than ${MAX_EXPANSION} names`);
  return words;
}

function expand(word: string): string[] {
  for (let open = nextBrace(word, 0); open !== -1; open = nextBrace(word, open + 1)) {
    const close = matchingBrace(word, open);
    if (close === -1) continue;
    const body = word.slice(open + 1, close);
    const alternatives = splitTopLevel(body);
    const choices = alternatives.length > 1 ? alternatives.flatMap(expand) : sequence(body);
    if (choices === undefined) continue;
    const before = word.slice(0, open);
    const after = expand(word.slice(close + 1));
    const out: string[] = [];
    for (const choice of choices) {
      for (const rest of after) {
        out.push(before + choice + rest);
        if (out.length > MAX_EXPANSION) return out;
      }
    }
    return out;
  }
  return [word];
}

function nextBrace(word: string, from: number): number {
  for (let i = from; i < word.length; i++) {
    if (word[i] === '\\') i++;
    else if (word[i] === '{') return i;
  }
  return -1;
}

function matchingBrace(word: string, open: number): number {
  let depth = 0;
  for (let i = open; i < word.length; i++) {
    const char = word[i];
    if (char === '\\') i++;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === '\\') i++;
    else if (char === '{') depth++;
    else if (char === '}') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

const NUMERIC = /^([-+]?\d+)\.\.([-+]?\d+)(?:\.\.([-+]?\d+))?$/;
const LETTERS = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.([-+]?\d+))?$/;

/** `1..5`, `05..10`, `10..1..3`, `a..e`: the items, or undefined when the body is no sequence. */
function sequence(body: string): string[] | undefined {
  const numeric = NUMERIC.exec(body);
  if (numeric) {
    const [from, to] = [Number(numeric[1]), Number(numeric[2])];
    const width = [numeric[1]!, numeric[2]!].some(isZeroPadded) ? Math.max(numeric[1]!.length, numeric[2]!.length) : 0;
    return steps(from, to, numeric[3]).map((n) => pad(n, width));
  }
  const letters = LETTERS.exec(body);
  if (letters) {
    return steps(letters[1]!.charCodeAt(0), letters[2]!.charCodeAt(0), letters[3]).map((code) => String.fromCharCode(code));
  }
  return undefined;
}

function steps(from: number, to: number, stepText: string | undefined): number[] {
  const step = Math.abs(Number(stepText ?? 1)) || 1;
  const count = Math.floor(Math.abs(to - from) / step) + 1;
  if (count > MAX_EXPANSION) throw new BraceExpansionError(`{${from}..${to}} expands to more than ${MAX_EXPANSION} names`);
  const direction = to >= from ? 1 : -1;
  return Array.from({ length: count }, (_, i) => from + direction * i * step);
}

const isZeroPadded = (text: string) => /^[-+]?0\d/.test(text);

function pad(n: number, width: number): string {
  if (width === 0) return String(n);
  const digits = String(Math.abs(n)).padStart(n < 0 ? width - 1 : width, '0');
  return n < 0 ? `-${digits}` : digits;
}
