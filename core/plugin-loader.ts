import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { resolvePackageFrom } from './package-resolve.js';
import type { RuntimePlugin } from './plugin.js';
import { isValidPluginId } from './plugin.js';

/** Built-in plugins by id, each imported only when a node config names it. */
export type PluginCatalog = Readonly<Record<string, () => Promise<RuntimePlugin<any>>>>;

export interface LoadedPlugin {
  plugin: RuntimePlugin<unknown>;
  /** "built-in", or the resolved module the plugin came from. */
  source: string;
}

export class PluginLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PluginLoadError';
  }
}

const isPathSpecifier = (specifier: string) =>
  specifier.startsWith('./') || specifier.startsWith('../') || path.isAbsolute(specifier) || specifier.startsWith('file:');

/**
 * Imports a third-party plugin: a path (relative to `baseDir`) or a package name resolved from
 * `baseDir` first and from Flotilla's own dependencies second.
 */
export async function importPluginModule(specifier: string, baseDir: string): Promise<LoadedPlugin> {
  let url: string;
  let resolved = true;
  if (isPathSpecifier(specifier)) {
    url = specifier.startsWith('file:') ? specifier : pathToFileURL(path.resolve(baseDir, specifier)).href;
    if (!existsSync(new URL(url))) throw new PluginLoadError(`cannot load plugin module "${specifier}": no such file ${fileURLToPath(url)}`);
  } else {
    const entry = resolvePackageFrom(specifier, baseDir);
    if (entry !== undefined) {
      url = pathToFileURL(entry).href;
    } else {
      try {
        url = pathToFileURL(createRequire(path.join(baseDir, 'noop.js')).resolve(specifier)).href;
      } catch {
        url = specifier;
        resolved = false;
      }
    }
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const reason =
      !resolved && ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /cannot (find|be resolved)/i.test((error as Error).message))
        ? `no package "${specifier}" is installed (looked in ${baseDir} and Flotilla's own dependencies)`
        : (error as Error).message;
    throw new PluginLoadError(`cannot load plugin module "${specifier}": ${reason}`, { cause: error });
  }
  return { plugin: pickPlugin(namespace, specifier), source: url.startsWith('file:') ? new URL(url).pathname : url };
}

function pickPlugin(namespace: Record<string, unknown>, specifier: string): RuntimePlugin<unknown> {
  const candidates = [namespace.default, namespace.plugin, ...Object.values(namespace)].filter(isRuntimePlugin);
  const plugin = candidates[0];
  if (!plugin) {
    throw new PluginLoadError(
      `module "${specifier}" exports no plugin: export default definePlugin({ id, register, … })`,
    );
  }
  return plugin;
}

export function isRuntimePlugin(value: unknown): value is RuntimePlugin<unknown> {
  const candidate = value as Partial<RuntimePlugin<unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.id === 'string' &&
    isValidPluginId(candidate.id) &&
    typeof candidate.register === 'function'
  );
}

export async function loadBuiltinPlugin(catalog: PluginCatalog, id: string): Promise<LoadedPlugin> {
  const load = catalog[id];
  if (!load) throw new PluginLoadError(`no built-in plugin "${id}"`);
  const plugin = await load();
  if (!isRuntimePlugin(plugin) || plugin.id !== id) {
    throw new PluginLoadError(`built-in plugin "${id}" is malformed`);
  }
  return { plugin, source: 'built-in' };
}
