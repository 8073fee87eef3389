import type { ConfigPath } from '../config-error.js';
import { isPlainObject, type PlainObject } from '../overlay.js';
import { closestKey, unknownKeyMessage } from '../schema-issues.js';
import type { Translation } from './translation.js';

/** The keys one mapping of a cloud-config document may hold. */
export interface KeyTable {
  /** Keys Flotilla reads here. */
  read: readonly string[];
  /** Keys of CoreOS's format that Flotilla refuses, each with the reason. */
  refused?: Readonly<Record<string, string>>;
  /**
   * The mapping mirrors another program's many options (etcd's, fleet's): a key that is not close
   * to a known one is reported as not supported rather than unknown.
   */
  foreign?: boolean;
}

/** Reports each key that is refused or unknown; returns the keys Flotilla reads, in document order. */
export function checkKeys(t: Translation, value: PlainObject, at: ConfigPath, table: KeyTable): string[] {
  const refused = table.refused ?? {};
  const read: string[] = [];
  for (const key of Object.keys(value)) {
    if (table.read.includes(key)) {
      read.push(key);
    } else if (Object.hasOwn(refused, key)) {
      t.problem([...at, key], `not supported by Flotilla: ${refused[key]}`);
    } else {
      const suggestion = closestKey(key, [...table.read, ...Object.keys(refused)]);
      const message =
        suggestion !== undefined
          ? `unknown key "${key}" (did you mean "${suggestion}"?)`
          : table.foreign
            ? `not supported by Flotilla (it reads ${table.read.join(', ')} here)`
            : unknownKeyMessage(key, table.read);
      t.problem([...at, key], message);
    }
  }
  return read;
}

/** The value as a mapping, or a problem and undefined. An empty key (`fleet:`) is an empty mapping. */
export function mappingAt(t: Translation, value: unknown, at: ConfigPath): PlainObject | undefined {
  if (value === null || value === undefined) return {};
  if (isPlainObject(value)) return value;
  t.problem(at, 'must be a mapping of keys to values');
  return undefined;
}

/** The value as a list, or a problem and undefined. */
export function listAt(t: Translation, value: unknown, at: ConfigPath): unknown[] | undefined {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  t.problem(at, 'must be a list');
  return undefined;
}

/** The value as a string, or a problem and undefined. */
export function stringAt(t: Translation, value: unknown, at: ConfigPath): string | undefined {
  if (typeof value === 'string') return value;
  t.problem(at, `must be a string${value === null ? '' : ` (quote it: "${String(value)}")`}`);
  return undefined;
}

/** A count or a number of seconds, as etcd and fleet read them from a number or a numeric string. */
export function numberAt(t: Translation, value: unknown, at: ConfigPath): number | undefined {
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number) && number >= 0) return number;
  t.problem(at, 'must be a number');
  return undefined;
}

/** The value as a boolean, or a problem and undefined. */
export function booleanAt(t: Translation, value: unknown, at: ConfigPath): boolean | undefined {
  if (typeof value === 'boolean') return value;
  t.problem(at, 'must be true or false');
  return undefined;
}
