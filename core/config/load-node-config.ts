import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importPluginModule, loadBuiltinPlugin, type LoadedPlugin, type PluginCatalog } from '../plugin-loader.js';
import { orderPlugins, PluginGraphError } from '../plugin-order.js';
import type { StandardSchema } from '../standard-schema.js';
import { isCloudConfig, readCloudConfig } from './cloud-config/cloud-config-source.js';
import { ConfigError, formatPath, type ConfigIssue, type ConfigOrigin, type ConfigPath } from './config-error.js';
import type { ConfigSource } from './config-source.js';
import { coerceText, envOverlayEntries } from './env-overlay.js';
import { knownKeysAt, nodeConfigJsonSchema, schemaAt, type JsonSchema } from './json-schema.js';
import { buildOverlay, deepMerge, entryFor, isPlainObject, type OverlayEntry, type PlainObject } from './overlay.js';
import { coreConfigSchema, MIN_TOKEN_LENGTH, NODE_NAME, type NodeConfig, type PluginSettings } from './schema.js';
import { unknownKeyMessage, validateWithSchema, type SchemaIssue } from './schema-issues.js';
import { parseYamlSource, YamlSyntaxError } from './yaml-source.js';

export interface LoadNodeConfigOptions {
  /**
   * The node's YAML file, or a cloud-config document (first line `#cloud-config`) translated to
   * one; without a file the node runs on defaults, environment and flags.
   */
  file?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Settings from command-line flags; string values are read like environment values. */
  flags?: readonly OverlayEntry[];
  catalog: PluginCatalog;
  cwd?: string;
}

export interface LoadedNodeConfig {
  config: NodeConfig;
  /** The enabled plugins, in config order. */
  plugins: LoadedPlugin[];
  schema: JsonSchema;
  /** What the file was: a node config, or a cloud-config document that stands for one. */
  format?: 'node-config' | 'cloud-config';
}

const RESERVED_PLUGIN_KEYS = ['module', 'enabled'];

/**
 * Layers defaults <- file <- FLOTILLA_* environment <- flags, loads the plugins the result names
 * and validates every section. All problems are reported together, each with where it was set.
 */
export async function loadNodeConfig(options: LoadNodeConfigOptions): Promise<LoadedNodeConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const read = options.file ? await readSource(path.resolve(cwd, options.file)) : undefined;
  const source = read?.source;
  const baseDir = source ? path.dirname(source.file) : cwd;
  const fileData = normalizePluginSlices(source?.data ?? {});
  const issues: ConfigIssue[] = [...(read?.issues ?? [])];

  const catalogIds = Object.keys(options.catalog);
  const outline = nodeConfigJsonSchema(catalogIds.map((id) => ({ id })));
  const firstPass = layer(fileData, envOverlayEntries(env, outline).entries, options.flags ?? [], outline);
  const { plugins, issues: loadIssues } = await loadPlugins(firstPass.merged, options.catalog, baseDir);

  const schema = nodeConfigJsonSchema(
    plugins.map(({ plugin }) => ({ id: plugin.id, description: plugin.description, schema: plugin.config })),
  );
  const fromEnv = envOverlayEntries(env, schema);
  const { merged, flagEntries } = layer(fileData, fromEnv.entries, options.flags ?? [], schema);
  issues.push(...fromEnv.issues);

  const locate = (schemaIssues: SchemaIssue[]) => schemaIssues.map((issue) => placeIssue(issue, source, fromEnv.entries, flagEntries));

  issues.push(...locate([...loadIssues, ...dependencyIssues(plugins)]));
  const core = await validateWithSchema(coreConfigSchema, merged, (at) => knownKeysAt(schema, at));
  if (!core.ok) issues.push(...locate(core.issues));

  const settings: Record<string, PluginSettings> = {};
  for (const { plugin } of plugins) {
    const raw = (merged.plugins as PlainObject)[plugin.id] as PlainObject;
    const slice = Object.fromEntries(Object.entries(raw).filter(([key]) => !RESERVED_PLUGIN_KEYS.includes(key)));
    const parsed = await validatePluginSlice(plugin.config, slice, plugin.id, schema);
    if (!parsed.ok) {
      issues.push(...locate(parsed.issues));
      continue;
    }
    settings[plugin.id] = { module: raw.module as string | undefined, enabled: true, config: parsed.value };
  }

  const apiToken = core.ok ? await readToken(core.value.api, source, fromEnv.entries, flagEntries, cwd, issues) : undefined;
  if (issues.length > 0 || !core.ok) throw new ConfigError(issues);

  const config: NodeConfig = {
    ...core.value,
    node: { ...core.value.node, name: core.value.node.name ?? defaultNodeName() },
    dataDir: path.resolve(cwd, core.value.dataDir),
    plugins: settings,
    ...(source ? { source: source.file } : {}),
    ...(apiToken !== undefined ? { apiToken } : {}),
  };
  return { config, plugins, schema, ...(read ? { format: read.format } : {}) };
}

async function readSource(file: string): Promise<{ source: ConfigSource; issues: ConfigIssue[]; format: 'node-config' | 'cloud-config' }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([{ path: [], message: `cannot read config file: ${reason}`, origin: { kind: 'file', file, line: 1, column: 1 } }]);
  }
  try {
    if (isCloudConfig(text)) return { ...readCloudConfig(file, text), format: 'cloud-config' };
    return { source: parseYamlSource(file, text), issues: [], format: 'node-config' };
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new ConfigError(error.issues);
    throw error;
  }
}

/** `plugins: { journal: }` (a key with no settings) means the plugin with its defaults. */
function normalizePluginSlices(data: PlainObject): PlainObject {
  if (!isPlainObject(data.plugins)) return data;
  const plugins = Object.fromEntries(Object.entries(data.plugins).map(([id, slice]) => [id, slice ?? {}]));
  return { ...data, plugins };
}

function layer(fileData: PlainObject, envEntries: OverlayEntry[], flags: readonly OverlayEntry[], schema: JsonSchema) {
  const flagEntries = flags.map((entry) =>
    typeof entry.value === 'string' ? { ...entry, value: coerceText(entry.value, schemaAt(schema, entry.path)) } : entry,
  );
  const merged = deepMerge(deepMerge(fileData, buildOverlay(envEntries)), buildOverlay(flagEntries));
  return { merged: normalizePluginSlices(merged), flagEntries };
}

async function loadPlugins(
  merged: PlainObject,
  catalog: PluginCatalog,
  baseDir: string,
): Promise<{ plugins: LoadedPlugin[]; issues: SchemaIssue[] }> {
  const loaded: LoadedPlugin[] = [];
  const issues: SchemaIssue[] = [];
  if (!isPlainObject(merged.plugins)) return { plugins: loaded, issues };
  const builtins = Object.keys(catalog);
  for (const [id, slice] of Object.entries(merged.plugins)) {
    if (!isPlainObject(slice) || slice.enabled === false) continue;
    const module = slice.module;
    const problem = (message: string, at: ConfigPath = ['plugins', id]): void => {
      issues.push({ path: at, message });
    };
    try {
      if (typeof module === 'string') {
        const third = await importPluginModule(module, baseDir);
        if (third.plugin.id !== id) {
          problem(`module "${module}" holds plugin "${third.plugin.id}"; its key must be "${third.plugin.id}"`);
          continue;
        }
        loaded.push(third);
      } else if (id in catalog) {
        loaded.push(await loadBuiltinPlugin(catalog, id));
      } else {
        problem(`${unknownKeyMessage(id, builtins).replace('key', 'plugin')}; a plugin that is not built in needs "module:"`);
      }
    } catch (error) {
      problem((error as Error).message, ['plugins', id, 'module']);
    }
  }
  return { plugins: loaded, issues };
}

/** A missing dependency or a cycle, reported at the plugin that cannot be satisfied. */
function dependencyIssues(plugins: readonly LoadedPlugin[]): SchemaIssue[] {
  try {
    orderPlugins(plugins.map(({ plugin }) => plugin));
    return [];
  } catch (error) {
    if (!(error instanceof PluginGraphError)) throw error;
    const culprit = /plugin "([^"]+)"/.exec(error.message)?.[1] ?? /cycle: ([^ ]+)/.exec(error.message)?.[1];
    return [{ path: culprit ? ['plugins', culprit] : ['plugins'], message: error.message }];
  }
}

async function validatePluginSlice(
  pluginSchema: StandardSchema<unknown> | undefined,
  slice: PlainObject,
  id: string,
  schema: JsonSchema,
) {
  const prefix = (issues: SchemaIssue[]) => issues.map((issue) => ({ ...issue, path: ['plugins', id, ...issue.path] }));
  if (!pluginSchema) {
    const keys = Object.keys(slice);
    return keys.length === 0
      ? { ok: true as const, value: {} }
      : { ok: false as const, issues: prefix(keys.map((key) => ({ path: [key], message: `plugin "${id}" takes no settings` }))) };
  }
  const outcome = await validateWithSchema(pluginSchema, slice, (at) => knownKeysAt(schema, ['plugins', id, ...at]));
  return outcome.ok ? outcome : { ok: false as const, issues: prefix(outcome.issues) };
}

async function readToken(
  api: { token?: string; tokenFile?: string },
  source: ConfigSource | undefined,
  envEntries: OverlayEntry[],
  flagEntries: OverlayEntry[],
  cwd: string,
  issues: ConfigIssue[],
): Promise<string | undefined> {
  if (api.token !== undefined || api.tokenFile === undefined) return api.token;
  const at = ['api', 'tokenFile'];
  const place = (message: string) => issues.push(placeIssue({ path: at, message }, source, envEntries, flagEntries));
  const fromFile = placeIssue({ path: at, message: '' }, source, envEntries, flagEntries).origin.kind === 'file';
  const base = fromFile && source ? path.dirname(source.file) : cwd;
  try {
    const token = (await readFile(path.resolve(base, api.tokenFile), 'utf8')).trim();
    if (token.length >= MIN_TOKEN_LENGTH) return token;
    place(`the token in ${api.tokenFile} has fewer than ${MIN_TOKEN_LENGTH} characters`);
  } catch (error) {
    place(`cannot read token file: ${(error as Error).message}`);
  }
  return undefined;
}

/**
 * The problem with where its value came from: the last layer that set it or one of its ancestors.
 * A file that writes the key under another name (a cloud-config document) has the problem named
 * by its own key, with the node config's key alongside when the names differ.
 */
function placeIssue(
  issue: SchemaIssue,
  source: ConfigSource | undefined,
  envEntries: readonly OverlayEntry[],
  flagEntries: readonly OverlayEntry[],
): ConfigIssue {
  const flag = entryFor(flagEntries, issue.path);
  if (flag) return { ...issue, origin: { kind: 'flag', flag: flag.setBy } };
  const env = entryFor(envEntries, issue.path);
  if (env) return { ...issue, origin: { kind: 'env', variable: env.setBy } };
  const position = source?.locate(issue.path);
  if (!source || !position) return { ...issue, origin: { kind: 'default' } };
  const origin: ConfigOrigin = { kind: 'file', file: source.file, line: position.line, column: position.column };
  if (!position.key) return { ...issue, origin };
  const message = position.renamed ? `${issue.message} (${formatPath(issue.path)})` : issue.message;
  return { path: position.key, message, origin };
}

function defaultNodeName(): string {
  const host = os.hostname().split('.')[0] ?? '';
  return NODE_NAME.test(host) ? host : 'flotilla';
}
