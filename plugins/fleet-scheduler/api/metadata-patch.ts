import { badRequest } from './fleet-errors.js';
import { field, isJsonObject, jsonType, type JsonObject } from './json-fields.js';

/** One change to a machine's dynamic metadata; an empty value removes the key. */
export interface MetadataChange {
  machineId: string;
  key: string;
  value: string;
}

const PATH = /^\/([^/]+)\/metadata\/([A-Za-z0-9_.-]+)$/;
const OPS = new Set(['add', 'remove', 'replace']);

/**
 * PATCH /machines: a JSON array of `{op, path: "/<machineID>/metadata/<key>", value}`. fleet
 * reads the value nested (`{"value": {"value": "x"}}`); its docs show a plain string, which is
 * taken too. Every op is checked before any is applied, so a bad one changes nothing.
 */
export function decodeMetadataPatch(raw: string | undefined): MetadataChange[] {
  if (raw === undefined || raw.trim() === '') throw badRequest('EOF');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  if (body === null) return [];
  if (!Array.isArray(body)) throw badRequest(`json: cannot unmarshal ${jsonType(body)} into a list of metadata operations`);
  const ops = body.map((item) => {
    if (item !== null && !isJsonObject(item)) throw badRequest(`json: cannot unmarshal ${jsonType(item)} into a metadata operation`);
    return decodeOp(item ?? {});
  });
  return ops.map(({ op, path, value }) => {
    if (!OPS.has(op)) throw badRequest('invalid op: expect add, remove, or replace');
    const match = PATH.exec(path);
    // `.` and `..` would name a directory of the store rather than a key.
    if (!match || isDotSegment(match[1]!) || isDotSegment(match[2]!)) throw badRequest('machine metadata path invalid');
    if (op !== 'remove' && value === '') throw badRequest('invalid value: add and replace require a value');
    // fleet removes by writing an empty value, which hides a key from the node's config as well.
    return { machineId: match[1]!, key: match[2]!, value: op === 'remove' ? '' : value };
  });
}

const isDotSegment = (segment: string) => segment === '.' || segment === '..';

function decodeOp(item: JsonObject): { op: string; path: string; value: string } {
  return { op: text(item, 'op'), path: text(item, 'path'), value: valueOf(field(item, 'value')) };
}

function text(item: JsonObject, name: string): string {
  const value = field(item, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw badRequest(`json: cannot unmarshal ${jsonType(value)} into metadata operation field ${name} of type string`);
  return value;
}

function valueOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (isJsonObject(value)) return text(value, 'value');
  throw badRequest(`json: cannot unmarshal ${jsonType(value)} into metadata operation field value`);
}
