import type { ConfigPath } from '../config-error.js';
import type { PlainObject } from '../overlay.js';
import { checkKeys, mappingAt } from './document-keys.js';
import { PLUGIN } from './plugin-ids.js';
import type { Translation } from './translation.js';

const FILE_KEYS = {
  read: ['path', 'content', 'encoding', 'permissions', 'owner', 'sha256'],
  refused: { append: 'appending to files; a file is written whole', defer: 'deferred writes; files are written before any unit starts' },
};

/** `write_files`: the files the cloud-config plugin writes before any unit starts. */
export function translateWriteFiles(t: Translation, list: readonly unknown[], at: ConfigPath): void {
  const files: PlainObject[] = [];
  list.forEach((item, i) => {
    const itemAt = [...at, i];
    const file = mappingAt(t, item, itemAt);
    if (!file) return;
    checkKeys(t, file, itemAt, FILE_KEYS);
    const entry: PlainObject = {};
    for (const key of FILE_KEYS.read) if (file[key] !== undefined) entry[key] = file[key];
    if (file.content instanceof Uint8Array) Object.assign(entry, binaryContent(t, file.content, file.encoding, [...itemAt, 'encoding']));
    entry.origin = t.origin(itemAt);
    t.locateAt(['plugins', PLUGIN.cloudConfig, 'files', files.length], itemAt, { nested: true, renamed: false });
    files.push(entry);
  });
  if (files.length === 0) return;
  t.set(['plugins', PLUGIN.cloudConfig, 'files'], files, at, { renamed: false });
  t.enable(PLUGIN.cloudConfig, at);
}

/** `!!binary` content, as the base64 text the plugin takes; plain gzip is only possible this way. */
function binaryContent(t: Translation, bytes: Uint8Array, encoding: unknown, at: ConfigPath): PlainObject {
  const content = Buffer.from(bytes).toString('base64');
  if (encoding === undefined) return { content, encoding: 'base64' };
  if (encoding === 'gz' || encoding === 'gzip') return { content, encoding: 'gzip+base64' };
  t.problem(at, 'the content is binary (!!binary): leave encoding out, or say gzip when the bytes are gzip data');
  return { content };
}
