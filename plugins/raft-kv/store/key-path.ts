/** Key paths as the v2 store sees them: absolute, `/`-separated, cleaned like Go's path.Join("/", key). */

export const ROOT_PATH = '/';

const NEEDS_CLEANING = /\/\/|\/\.{1,2}(?:\/|$)|.\/$/;

/** `a/../b/` → `/b`, `` → `/`; `..` never climbs above the root. */
export function normalizeKey(key: string): string {
  if (key.charCodeAt(0) === 47 && !NEEDS_CLEANING.test(key)) return key;
  const out: string[] = [];
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return '/' + out.join('/');
}

/** The path of `name` inside the directory at `dir`. */
export function childPath(dir: string, name: string): string {
  return dir === ROOT_PATH ? ROOT_PATH + name : dir + '/' + name;
}

export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function isHiddenName(name: string): boolean {
  return name.charCodeAt(0) === 95;
}

/**
 * Whether an event on `key` is hidden from a watcher on its ancestor `watchPath`: some segment
 * below the watched path starts with `_`. A watch path deeper than the key (a descendant of a
 * deleted directory) never hides the event.
 */
export function isHiddenBelow(watchPath: string, key: string): boolean {
  if (watchPath.length > key.length) return false;
  const below = watchPath === ROOT_PATH ? key : key.slice(watchPath.length);
  return below.includes('/_');
}

/** In-order keys are the new index as 20 zero-padded decimal digits. */
export function inOrderName(index: number): string {
  return String(index).padStart(20, '0');
}

/** Byte order of the UTF-8 encodings (Go's string order), which is code point order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const surrogates = (x >= 0xd800 && x <= 0xdfff) !== (y >= 0xd800 && y <= 0xdfff);
      if (surrogates && x >= 0xd800 && y >= 0xd800) return x >= 0xd800 && x <= 0xdfff ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
