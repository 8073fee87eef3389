// Loaded on demand by the commands that read node configs, so client commands start light.
import { ConfigError, formatIssue, loadNodeConfig, type LoadedNodeConfig } from '../core/index.js';
import { BUILTIN_PLUGINS } from '../plugins/catalog.js';
import { flagOverlay, FlagSyntaxError, type NodeConfigFlagValues } from './node-config-flags.js';

export type NodeConfigOutcome =
  | { ok: true; loaded: LoadedNodeConfig }
  /** `message` is the whole report; `problems` has one line per problem. */
  | { ok: false; message: string; problems: string[] };

/** The node config as `flotilla up` would read it from FILE, the environment and these flags. */
export async function loadFromFlags(file: string | undefined, flags: NodeConfigFlagValues): Promise<NodeConfigOutcome> {
  try {
    return { ok: true, loaded: await loadNodeConfig({ file, flags: flagOverlay(flags), catalog: BUILTIN_PLUGINS }) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message, problems: error.issues.map(formatIssue) };
    if (error instanceof FlagSyntaxError) return { ok: false, message: error.message, problems: [error.message] };
    throw error;
  }
}

/** The effective config for display: secrets redacted, parsed plugin slices in place. */
export function renderableConfig({ config }: LoadedNodeConfig): Record<string, unknown> {
  const { apiToken: _token, source: _source, plugins, ...rest } = config;
  const api = { ...rest.api, ...(rest.api.token ? { token: '<redacted>' } : {}) };
  return {
    ...rest,
    api,
    plugins: Object.fromEntries(
      Object.entries(plugins).map(([id, settings]) => [
        id,
        { ...(settings.module ? { module: settings.module } : {}), ...(settings.config as object) },
      ]),
    ),
  };
}
