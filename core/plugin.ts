import type { DependencyContainer, InjectionToken } from './di.js';
import type { Logger } from './logging.js';
import type { NodeIdentity } from './node-identity.js';
import type { StandardSchema } from './standard-schema.js';

export interface PluginContext<C = unknown> {
  /** The plugin's id, which is also its key under `plugins:` in the node config. */
  readonly id: string;
  /** The plugin's validated config slice, defaults applied. */
  readonly config: C;
  /** The kernel's container, shared by every plugin of this node. */
  readonly container: DependencyContainer;
  readonly log: Logger;
  readonly node: NodeIdentity;
  /** A directory of the plugin's own under the node's data dir; it exists before `start`. */
  readonly dataDir: string;
  /** Aborted when a start times out or the node shuts down. */
  readonly signal: AbortSignal;
}

export interface RuntimePlugin<C = unknown> {
  /** kebab-case; equals the plugin's folder and its config key. */
  readonly id: string;
  readonly version?: string;
  readonly description?: string;
  /** Plugins that must be registered and started before this one. */
  readonly dependsOn?: readonly string[];
  /** Plugins this one starts after when they are enabled, without needing them (systemd's After= without Requires=). */
  readonly startsAfter?: readonly string[];
  /** Schema of the plugin's config slice (zod or any Standard Schema); defaults come from it. */
  readonly config?: StandardSchema<C>;
  /** When set, the validated slice is also registered under this token. */
  readonly configToken?: InjectionToken<C>;
  /**
   * Milliseconds, or worked out from the plugin's settings (a start that waits for other
   * machines by design); the node config's `kernel.startTimeout` when absent or undefined.
   */
  readonly startTimeout?: number | ((config: C) => number | undefined);
  /** Milliseconds; the node config's `kernel.stopTimeout` when absent. */
  readonly stopTimeout?: number;
  /** Binds tokens and contributes to extension points. No I/O: every `register` runs before any `start`. */
  register(ctx: PluginContext<C>): void;
  /** Opens sockets, timers and files. */
  start?(ctx: PluginContext<C>): Promise<void> | void;
  /**
   * Runs once every plugin has started and the API listens, in start order, bounded like `start`.
   * For work that needs other plugins running, whatever the start order. Throwing stops the node
   * as a failed `start` does.
   */
  ready?(ctx: PluginContext<C>): Promise<void> | void;
  /** Releases what `start` took. Also called after a failed or partial start, so it must tolerate one. */
  stop?(ctx: PluginContext<C>): Promise<void> | void;
}

const PLUGIN_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export function isValidPluginId(id: string): boolean {
  return PLUGIN_ID.test(id);
}

export function definePlugin<C>(plugin: RuntimePlugin<C>): RuntimePlugin<C> {
  if (!isValidPluginId(plugin.id)) {
    throw new TypeError(`plugin id "${plugin.id}" must be kebab-case (like "raft-kv")`);
  }
  return Object.freeze({ ...plugin });
}
