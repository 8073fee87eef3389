import type { ConfigIssue, ConfigPath } from '../config-error.js';
import type { ConfigSource, SourcePosition } from '../config-source.js';
import { parseYamlSource, type YamlSource } from '../yaml-source.js';
import { withFlotillaSection } from './flotilla-section.js';
import { translateDocument } from './translate.js';
import { isPrefix, type Mapping } from './translation.js';

/** A node config file is a cloud-config document when its first line is `#cloud-config`, as cloud-init has it. */
export function isCloudConfig(text: string): boolean {
  const firstLine = text.replace(/^\uFEFF/, '').split('\n', 1)[0]!;
  return firstLine.trimEnd() === '#cloud-config';
}

/**
 * Reads a cloud-config document as the node config it stands for. Problems anywhere (in the
 * document, or found later in the node config it became) are placed at the document's key.
 * The document is YAML 1.1, as coreos-cloudinit read it: `permissions: 0644` is octal.
 */
export function readCloudConfig(file: string, text: string): { source: ConfigSource; issues: ConfigIssue[] } {
  const yaml = parseYamlSource(file, text, { version: '1.1', what: 'a cloud-config document' });
  const at = (path: ConfigPath) => yaml.locate(path) ?? { line: 1, column: 1 };
  const translation = translateDocument(yaml.data, (path) => ({ file, ...at(path) }));
  const data = withFlotillaSection(translation, yaml.data.flotilla);
  const issues = translation.problems.map(({ path, message }): ConfigIssue => ({ path, message, origin: { kind: 'file', file, ...at(path) } }));
  return { source: { file, data, locate: (path) => locateKey(yaml, translation.mappings, path) }, issues };
}

/**
 * The document's key for a node config key: under `flotilla:` when that section writes it,
 * else the CoreOS key it was translated from, whichever is more specific.
 */
function locateKey(yaml: YamlSource, mappings: readonly Mapping[], path: ConfigPath): SourcePosition | undefined {
  const own = ['flotilla', ...path];
  const ownDepth = Math.max(0, yaml.depth(own) - 1);
  const mapping = mappings.filter((m) => isPrefix(m.target, path)).sort((a, b) => b.target.length - a.target.length)[0];
  if (mapping && mapping.target.length > ownDepth) {
    const key = mapping.nested ? [...mapping.from, ...path.slice(mapping.target.length)] : mapping.from;
    const position = yaml.locate(key);
    return position && { ...position, key, renamed: mapping.renamed };
  }
  const position = yaml.locate(own);
  return position && { ...position, key: yaml.has(['flotilla']) ? own : path };
}
