import type { StandardSchema } from '../standard-schema.js';
import type { ConfigPath } from './config-error.js';

export interface SchemaIssue {
  path: ConfigPath;
  message: string;
}

export type SchemaOutcome<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

interface ZodLikeIssue {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

interface ZodLike {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: ZodLikeIssue[] } };
}

function isZodLike(schema: unknown): schema is ZodLike {
  return typeof (schema as Partial<ZodLike>).safeParse === 'function';
}

const toPath = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): ConfigPath =>
  (path ?? []).map((part) => {
    const key = typeof part === 'object' && part !== null ? part.key : part;
    return typeof key === 'number' ? key : String(key);
  });

/**
 * Validates with any Standard Schema. Zod's own issues are used when available: they name each
 * unknown key, so the error can point at the key's line rather than at its parent.
 */
export async function validateWithSchema<T>(
  schema: StandardSchema<T>,
  value: unknown,
  knownKeysAt?: (path: ConfigPath) => readonly string[],
): Promise<SchemaOutcome<T>> {
  if (isZodLike(schema)) {
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, value: result.data as T };
    return { ok: false, issues: result.error.issues.flatMap((issue) => fromZodIssue(issue, knownKeysAt)) };
  }
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map((issue) => ({ path: toPath(issue.path), message: issue.message })) };
}

function fromZodIssue(issue: ZodLikeIssue, knownKeysAt?: (path: ConfigPath) => readonly string[]): SchemaIssue[] {
  const path = toPath(issue.path);
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const known = knownKeysAt?.(path) ?? [];
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, known) }));
  }
  return [{ path, message: issue.message }];
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
  return `unknown key "${key}"${hint}`;
}

/** The candidate a misspelt `word` most likely meant, if one is close enough. */
export function closestKey(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
