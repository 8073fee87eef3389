import { parse as parseYaml } from 'yaml';
import type { ConfigIssue, ConfigPath } from './config-error.js';
import { acceptsOnlyString, schemaAt, type JsonSchema } from './json-schema.js';
import type { OverlayEntry } from './overlay.js';

export const ENV_PREFIX = 'FLOTILLA_';
/** Variables the CLI reads for itself; they are not config keys. */
export const CLIENT_VARIABLES = new Set(['FLOTILLA_CONFIG', 'FLOTILLA_ENDPOINT', 'FLOTILLA_TOKEN']);

/** `bodyLimit` → `BODY_LIMIT`, `raft-kv` → `RAFT_KV`. */
export function envSegment(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
}

/**
 * A value given as text (an environment variable, a `--set` flag): taken verbatim where the key
 * takes only strings, otherwise read as YAML so that numbers, booleans and lists work.
 */
export function coerceText(raw: string, schema: JsonSchema | undefined): unknown {
  if (acceptsOnlyString(schema)) return raw;
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}

/**
 * Maps `FLOTILLA_API__PORT=4001` onto `api.port`: segments are separated by `__`, each the key in
 * upper case with `_` for hyphens and word breaks. Under `plugins` a segment names a plugin id.
 */
export function envOverlayEntries(
  env: Readonly<Record<string, string | undefined>>,
  schema: JsonSchema,
): { entries: OverlayEntry[]; issues: ConfigIssue[] } {
  const entries: OverlayEntry[] = [];
  const issues: ConfigIssue[] = [];
  for (const [variable, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!variable.startsWith(ENV_PREFIX) || CLIENT_VARIABLES.has(variable) || raw === undefined) continue;
    const resolved = resolveSegments(variable.slice(ENV_PREFIX.length).split('__'), schema);
    if ('error' in resolved) {
      issues.push({ path: resolved.path, message: resolved.error, origin: { kind: 'env', variable } });
      continue;
    }
    entries.push({ path: resolved.path, value: coerceText(raw, schemaAt(schema, resolved.path)), setBy: variable });
  }
  return { entries, issues };
}

function resolveSegments(
  segments: string[],
  schema: JsonSchema,
): { path: ConfigPath } | { path: ConfigPath; error: string } {
  const path: string[] = [];
  let node: JsonSchema | undefined = schema;
  for (const segment of segments) {
    if (segment === '') return { path, error: 'empty segment in variable name (use "__" between keys)' };
    const named: string | undefined = Object.keys(node?.properties ?? {}).find((key) => envSegment(key) === segment);
    if (named !== undefined) {
      path.push(named);
      node = node!.properties![named];
    } else if (node === undefined || node.additionalProperties === true || typeof node.additionalProperties === 'object') {
      const inPlugins = path.length === 1 && path[0] === 'plugins';
      const open = node === undefined || node.additionalProperties === true;
      path.push(inPlugins ? segment.toLowerCase().replace(/_/g, '-') : open ? camelCase(segment) : segment.toLowerCase());
      node = typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined;
    } else {
      const known = Object.keys(node.properties ?? {}).map(envSegment);
      return { path: [...path, segment], error: `no such config key${known.length ? ` (here: ${known.join(', ')})` : ''}` };
    }
  }
  return { path };
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
