/** Reading decoded JSON as Go's encoding/json fills a struct: field names match case-insensitively, an exact match wins. */

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  let found: unknown;
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) found = object[key];
  return found;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** A string field: absent and null read as empty; any other type is a decode error. */
export function stringField(object: JsonObject, name: string, where: string): string {
  const value = field(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new TypeError(`cannot unmarshal ${jsonType(value)} into ${where}.${name} of type string`);
  return value;
}
