import { formatPath, type ConfigPath } from '../config-error.js';
import { getPath, isPlainObject, setPath, type PlainObject } from '../overlay.js';

/** How a part of the node config relates to the cloud-config key it came from. */
export interface Mapping {
  /** Where in the node config. */
  target: ConfigPath;
  /** The cloud-config key. */
  from: ConfigPath;
  /** The document sets this key: the `flotilla:` section may not set it as well. */
  exclusive: boolean;
  /** The keys below `target` have the same names below `from`. */
  nested: boolean;
  /** The node config names it differently: problems found there name both. */
  renamed: boolean;
}

export interface DocumentProblem {
  /** The cloud-config key it is about. */
  path: ConfigPath;
  message: string;
}

/** Where a key of the document is written, for settings that carry it (error messages at boot). */
export type Locator = (path: ConfigPath) => { file: string; line: number; column: number };

/** The node config a cloud-config document stands for, built key by key with where each came from. */
export class Translation {
  readonly data: PlainObject = {};
  readonly mappings: Mapping[] = [];
  readonly problems: DocumentProblem[] = [];

  constructor(readonly locate: Locator) {}

  /** Sets `target` from the document's key `from`; the `flotilla:` section may not set it too. */
  set(target: ConfigPath, value: unknown, from: ConfigPath, options: { renamed?: boolean; nested?: boolean } = {}): void {
    setPath(this.data, target, value);
    this.mappings.push({ target, from, exclusive: true, nested: options.nested ?? false, renamed: options.renamed ?? true });
  }

  /** Problems found at or below `target` are reported at `from`, which sets nothing there by itself. */
  locateAt(target: ConfigPath, from: ConfigPath, options: { renamed?: boolean; nested?: boolean } = {}): void {
    this.mappings.push({ target, from, exclusive: false, nested: options.nested ?? false, renamed: options.renamed ?? true });
  }

  /**
   * Runs plugin `id` because the document's key `from` needs it, so the `flotilla:` section may
   * not disable it; without `from` the plugin runs by default and may be disabled there.
   */
  enable(id: string, from?: ConfigPath): void {
    const at = ['plugins', id];
    if (!isPlainObject(getPath(this.data, at))) setPath(this.data, at, {});
    if (!from || this.mappings.some((m) => m.exclusive && samePath(m.target, [...at, 'enabled']))) return;
    this.set([...at, 'enabled'], true, from);
    this.locateAt(at, from);
  }

  /** "FILE:LINE:COLUMN: key", for settings that name their key in problems found at boot. */
  origin(path: ConfigPath): string {
    const { file, line, column } = this.locate(path);
    return `${file}:${line}:${column}: ${formatPath(path)}`;
  }

  problem(path: ConfigPath, message: string): void {
    this.problems.push({ path, message });
  }
}

export function samePath(a: ConfigPath, b: ConfigPath): boolean {
  return a.length === b.length && isPrefix(a, b);
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: ConfigPath, path: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));
}
