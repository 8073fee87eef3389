/**
 * Shell-style name patterns with the rules of Go's path.Match, which fleet applies to unit
 * names (X-Conflicts=app.*.service): `*` any run of characters but `/`, `?` one character but
 * `/`, `[a-z]` and `[^a-z]` classes, `\` escapes the next character.
 */
export type NameMatcher = (name: string) => boolean;

const cache = new Map<string, NameMatcher>();

export function globMatcher(pattern: string): NameMatcher {
  let matcher = cache.get(pattern);
  if (!matcher) {
    if (cache.size > 10_000) cache.clear();
    matcher = compile(pattern);
    cache.set(pattern, matcher);
  }
  return matcher;
}

export function matchesGlob(pattern: string, name: string): boolean {
  return globMatcher(pattern)(name);
}

const WILDCARD = /[*?[\\]/;

/** True when the pattern has no wildcard: it matches exactly one name. */
export function isLiteralGlob(pattern: string): boolean {
  return !WILDCARD.test(pattern);
}

/** The text of a pattern before its first wildcard or escape: every name the pattern matches starts with it. */
export function literalPrefix(pattern: string): string {
  const at = pattern.search(WILDCARD);
  return at === -1 ? pattern : pattern.slice(0, at);
}

const escapeRegExp = (char: string) => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function compile(pattern: string): NameMatcher {
  if (isLiteralGlob(pattern)) return (name) => name === pattern;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '[') {
      const end = classEnd(pattern, i);
      // path.Match reports a malformed class as an error, which fleet treats as no match.
      if (end === -1) return () => false;
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => regex.test(name);
}

function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') return -1;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}
