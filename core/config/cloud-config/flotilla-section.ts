import { formatPath, type ConfigPath } from '../config-error.js';
import { deepMerge, isPlainObject, type PlainObject } from '../overlay.js';
import { mappingAt } from './document-keys.js';
import { isPrefix, type Translation } from './translation.js';

/**
 * Adds the document's `flotilla:` section (node config keys, as in a node config file) to what
 * the CoreOS keys imply. A key both set is a problem at the `flotilla:` key naming the other:
 * the document has one place for each setting.
 */
export function withFlotillaSection(t: Translation, section: unknown): PlainObject {
  const own = mappingAt(t, section, ['flotilla']);
  if (!own) return t.data;
  const normalized = withPluginDefaults(own);
  for (const path of leaves(normalized, [])) {
    const other = t.mappings.find((m) => m.exclusive && (isPrefix(m.target, path) || isPrefix(path, m.target)));
    if (!other) continue;
    const where = t.locate(other.from);
    t.problem(
      ['flotilla', ...path],
      `${formatPath(other.from)} (line ${where.line}) already sets ${formatPath(other.target)}; set it in one place`,
    );
  }
  return deepMerge(t.data, normalized);
}

/** `plugins: { journal: }` means the plugin with its defaults, as in a node config file. */
function withPluginDefaults(section: PlainObject): PlainObject {
  if (!isPlainObject(section.plugins)) return section;
  return { ...section, plugins: Object.fromEntries(Object.entries(section.plugins).map(([id, slice]) => [id, slice ?? {}])) };
}

/** Each key the section sets to a value: scalars and lists, not the mappings that only hold them (nor empty ones). */
function leaves(value: PlainObject, at: ConfigPath): ConfigPath[] {
  return Object.entries(value).flatMap(([key, item]): ConfigPath[] => {
    if (isPlainObject(item)) return leaves(item, [...at, key]);
    return item === null ? [] : [[...at, key]];
  });
}
