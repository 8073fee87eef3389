import { nodeConfigJsonSchema, type JsonSchema } from '../core/index.js';
import { BUILTIN_PLUGINS } from '../plugins/catalog.js';

/** The node config schema with every built-in plugin's section, as published in docs/. */
export async function builtinConfigSchema(): Promise<JsonSchema> {
  const plugins = await Promise.all(Object.values(BUILTIN_PLUGINS).map((load) => load()));
  return nodeConfigJsonSchema(plugins.map((plugin) => ({ id: plugin.id, description: plugin.description, schema: plugin.config })));
}
