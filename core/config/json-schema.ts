import { z } from 'zod';
import type { StandardSchema } from '../standard-schema.js';
import type { ConfigPath } from './config-error.js';
import { coreConfigSchema } from './schema.js';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  [key: string]: unknown;
};

/** The JSON Schema of a zod config schema, or undefined for another Standard Schema. */
export function toJsonSchema(schema: StandardSchema<unknown> | undefined): JsonSchema | undefined {
  if (!schema || schema['~standard'].vendor !== 'zod') return undefined;
  const json = z.toJSONSchema(schema as unknown as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

export interface PluginSchemaEntry {
  id: string;
  description?: string;
  schema?: StandardSchema<unknown>;
}

const PLUGIN_KEYS: Record<string, JsonSchema> = {
  module: { type: 'string', description: 'Module path (relative to this file) or package name of a plugin that is not built in.' },
  enabled: { type: 'boolean', default: true, description: 'Set false to keep the plugin from loading.' },
};

/** The whole node config's schema: core sections plus one entry per known plugin. */
export function nodeConfigJsonSchema(plugins: readonly PluginSchemaEntry[]): JsonSchema {
  const root = toJsonSchema(coreConfigSchema as unknown as StandardSchema<unknown>)!;
  const properties: Record<string, JsonSchema> = {};
  for (const plugin of plugins) {
    const own = toJsonSchema(plugin.schema) ?? { type: 'object', additionalProperties: true };
    properties[plugin.id] = {
      ...own,
      ...(plugin.description ? { description: plugin.description } : {}),
      type: ['object', 'null'],
      properties: { ...PLUGIN_KEYS, ...own.properties },
    };
  }
  root.properties!.plugins = {
    type: 'object',
    default: {},
    description: 'The plugins this node runs, each with its settings. A key names a built-in plugin, or any plugin given by `module`.',
    properties,
    additionalProperties: {
      type: ['object', 'null'],
      properties: PLUGIN_KEYS,
      required: ['module'],
      additionalProperties: true,
    },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://flotilla.dev/schemas/node-config.json',
    title: 'Flotilla node configuration',
    ...root,
  };
}

/** The schema that governs the value at `path`, following properties and additionalProperties. */
export function schemaAt(schema: JsonSchema | undefined, path: ConfigPath): JsonSchema | undefined {
  let node = schema;
  for (const part of path) {
    if (!node) return undefined;
    const key = String(part);
    const own = node.properties?.[key];
    if (own) {
      node = own;
    } else if (typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
    } else {
      return undefined;
    }
  }
  return node;
}

export function knownKeysAt(schema: JsonSchema | undefined, path: ConfigPath): string[] {
  return Object.keys(schemaAt(schema, path)?.properties ?? {});
}

/** Whether values at this schema are strings only (so an environment value is taken verbatim). */
export function acceptsOnlyString(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.every(acceptsOnlyString);
  return schema.type === 'string';
}
