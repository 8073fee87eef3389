import { z } from 'zod';
import { isBindableHost, isLoopbackAddress } from './address.js';
import { durationSetting as duration, sizeSetting as size } from './setting-types.js';

export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const METADATA_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
export const MIN_TOKEN_LENGTH = 16;

/** `rack: 12` and `ssd: true` read naturally in YAML; fleet compares metadata as strings. */
const metadataValue = z.union([z.string(), z.number(), z.boolean()]);

const nodeSection = z.strictObject({
  name: z
    .string()
    .regex(NODE_NAME, 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit')
    .optional(),
  metadata: z
    .record(
      z.string().regex(METADATA_KEY, 'metadata keys are letters, digits, ".", "_", "/" or "-"'),
      z.union([metadataValue, z.array(metadataValue).min(1)], { error: 'metadata values are strings, numbers or booleans, or lists of them' }),
    )
    .default({})
    .transform((metadata) =>
      Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)])),
    ),
});

const apiSection = z
  .strictObject({
    address: z
      .string()
      .refine(isBindableHost, 'must be an IP address or "localhost"')
      .default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(2379),
    token: z.string().min(MIN_TOKEN_LENGTH, `a token needs at least ${MIN_TOKEN_LENGTH} characters`).optional(),
    tokenFile: z.string().min(1).optional(),
    insecure: z.boolean().default(false),
    bodyLimit: size('1mb'),
    /** Requests whose headers take longer than this are answered 408. */
    headersTimeout: duration('30s'),
  })
  .superRefine((api, ctx) => {
    if (api.token !== undefined && api.tokenFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tokenFile'], message: 'set either token or tokenFile, not both' });
    }
    const guarded = api.token !== undefined || api.tokenFile !== undefined;
    if (!guarded && !api.insecure && isBindableHost(api.address) && !isLoopbackAddress(api.address)) {
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: `refusing to serve the API on non-loopback ${api.address} without a token; set api.token (or api.tokenFile), or api.insecure: true`,
      });
    }
  });

const pluginSlice = z.looseObject({
  /** A module path (relative to the config file) or package name for a plugin that is not built in. */
  module: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
});

export const coreConfigSchema = z.strictObject({
  version: z.literal(1).default(1),
  node: nodeSection.prefault({}),
  /** Relative paths resolve against the working directory, as etcd's --data-dir does. */
  dataDir: z.string().min(1).default('./data'),
  api: apiSection.prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    })
    .prefault({}),
  kernel: z
    .strictObject({
      startTimeout: duration('30s'),
      stopTimeout: duration('5s'),
    })
    .prefault({}),
  plugins: z.record(z.string(), pluginSlice).default({}),
});

export type CoreConfigInput = z.input<typeof coreConfigSchema>;
type CoreConfigOutput = z.output<typeof coreConfigSchema>;

/** The validated node config: core sections plus each enabled plugin's parsed slice. */
export type NodeConfig = Omit<CoreConfigOutput, 'plugins' | 'node'> & {
  node: CoreConfigOutput['node'] & { name: string };
  /** Absolute path of the config file it came from, when it came from one. */
  source?: string;
  /** The token in force, read from `api.token` or `api.tokenFile`. */
  apiToken?: string;
  plugins: Record<string, PluginSettings>;
};

export interface PluginSettings {
  module?: string;
  enabled: boolean;
  /** The slice as the plugin's schema parsed it. */
  config: unknown;
}
