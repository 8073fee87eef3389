import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { ConfigIssue, ConfigPath } from './config-error.js';
import type { ConfigSource } from './config-source.js';

export interface YamlSource extends ConfigSource {
  /** Line and column (1-based) of the key at `path`, or of its nearest ancestor present in the file. */
  locate(path: ConfigPath): { line: number; column: number } | undefined;
  /** Whether the file itself sets `path`. */
  has(path: ConfigPath): boolean;
  /** How many leading parts of `path` the file has: 0 when not even the first. */
  depth(path: ConfigPath): number;
}

export interface YamlSourceOptions {
  /** YAML 1.2 (the default) or 1.1, where `0644` is octal and `yes`/`no` are booleans. */
  version?: '1.1' | '1.2';
  /** What the document must be, for the message when it is not a mapping. */
  what?: string;
}

export class YamlSyntaxError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

export function parseYamlSource(file: string, text: string, options: YamlSourceOptions = {}): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: options.version ?? '1.2' });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new YamlSyntaxError(
      doc.errors.map((error) => ({
        path: [],
        message: error.message.split('\n')[0]!,
        origin: { kind: 'file', file, ...position(error.pos[0]) },
      })),
    );
  }
  const data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new YamlSyntaxError([
      { path: [], message: `${options.what ?? 'a node config'} must be a YAML mapping`, origin: { kind: 'file', file, line: 1, column: 1 } },
    ]);
  }

  /** The key node and value node at each step of the path, as far as the file goes. */
  const walk = (path: ConfigPath) => {
    let node: unknown = doc.contents;
    let keyOffset: number | undefined;
    let depth = 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
        if (!pair) break;
        keyOffset = (pair.key as YamlNode).range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
        node = node.items[part];
        keyOffset = (node as YamlNode).range?.[0];
      } else {
        break;
      }
      depth++;
    }
    return { depth, keyOffset };
  };

  return {
    file,
    data: data as Record<string, unknown>,
    locate(path) {
      const { keyOffset } = walk(path);
      if (keyOffset !== undefined) return position(keyOffset);
      const start = (doc.contents as YamlNode | null)?.range?.[0];
      return start === undefined ? undefined : position(start);
    },
    has(path) {
      return walk(path).depth === path.length;
    },
    depth(path) {
      return walk(path).depth;
    },
  };
}
