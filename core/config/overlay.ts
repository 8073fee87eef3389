import type { ConfigPath } from './config-error.js';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars from `over` replace those of `base`. */
export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

export function setPath(target: PlainObject, path: ConfigPath, value: unknown): void {
  let node = target;
  path.forEach((part, i) => {
    const key = String(part);
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as PlainObject;
  });
}

export function getPath(target: unknown, path: ConfigPath): unknown {
  let node = target;
  for (const part of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as PlainObject)[String(part)];
  }
  return node;
}

/** An overlay's entries: each sets one path, and remembers what set it (a variable, a flag). */
export interface OverlayEntry {
  path: ConfigPath;
  value: unknown;
  setBy: string;
}

export function buildOverlay(entries: readonly OverlayEntry[]): PlainObject {
  const overlay: PlainObject = {};
  for (const entry of entries) setPath(overlay, entry.path, entry.value);
  return overlay;
}

/** The entry that set `path` or one of its ancestors, last one winning. */
export function entryFor(entries: readonly OverlayEntry[], path: ConfigPath): OverlayEntry | undefined {
  const matches = entries.filter(
    (entry) => entry.path.length <= path.length && entry.path.every((part, i) => String(part) === String(path[i])),
  );
  return matches.at(-1) ?? entries.find((entry) => path.every((part, i) => String(part) === String(entry.path[i])));
}
