import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { NodeConfig } from './config/schema.js';
import { DeadlineError, withDeadline } from './deadline.js';
import { rootContainer, type DependencyContainer } from './di.js';
import { ApiServer } from './http/api-server.js';
import { silentLogger, type Logger } from './logging.js';
import { claimNodeIdentity, type NodeIdentity } from './node-identity.js';
import type { PluginContext, RuntimePlugin } from './plugin.js';
import type { LoadedPlugin } from './plugin-loader.js';
import { orderPlugins } from './plugin-order.js';
import type { PluginStatus, PluginStatusSource } from './plugin-status.js';
import { CORE } from './tokens.js';

export interface KernelOptions {
  config: NodeConfig;
  /** The enabled plugins with where they came from, as loadNodeConfig returns them. */
  plugins: readonly LoadedPlugin[];
  logger?: Logger;
  /** Runs before any plugin registers: tests bind fakes here. */
  configure?: (container: DependencyContainer) => void;
}

export type KernelState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** A plugin's register, start or ready failed; everything that had started was stopped again. */
export class PluginStartError extends Error {
  constructor(
    readonly pluginId: string,
    readonly phase: 'register' | 'start' | 'ready',
    cause: unknown,
  ) {
    const what = phase === 'ready' ? 'failed in ready' : `failed to ${phase}`;
    super(`plugin "${pluginId}" ${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'PluginStartError';
  }
}

/** stop() was called while the node was starting: start gave up and stopped what had started. */
export class StartAbortedError extends Error {
  constructor() {
    super('the node was asked to stop while it was starting');
    this.name = 'StartAbortedError';
  }
}

interface PluginRecord {
  readonly plugin: RuntimePlugin<unknown>;
  readonly status: PluginStatus;
  readonly controller: AbortController;
  context?: PluginContext<unknown>;
}

/**
 * One node: a child DI container, the plugins the config names and the API server.
 * Registers every plugin, starts them in dependency order and stops them in reverse.
 */
export class Kernel implements PluginStatusSource {
  readonly container: DependencyContainer;
  readonly metrics = new Registry();
  private readonly log: Logger;
  private readonly records: PluginRecord[];
  private readonly started: PluginRecord[] = [];
  private stateValue: KernelState = 'new';
  private identity?: NodeIdentity;
  private releaseDataDir?: () => Promise<void>;
  private api?: ApiServer;
  private readonly endpoint: { url: string | undefined } = { url: undefined };
  private stopping?: Promise<void>;
  private starting?: Promise<void>;
  private stopRequested = false;

  constructor(private readonly options: KernelOptions) {
    this.container = rootContainer.createChildContainer();
    this.log = options.logger ?? silentLogger();
    const ordered = orderPlugins(options.plugins.map((loaded) => ({ ...loaded, id: loaded.plugin.id, dependsOn: loaded.plugin.dependsOn, startsAfter: loaded.plugin.startsAfter })));
    this.records = ordered.map(({ plugin, source }) => ({
      plugin,
      controller: new AbortController(),
      status: {
        id: plugin.id,
        source,
        dependsOn: [...(plugin.dependsOn ?? [])],
        state: 'loaded',
        ...(plugin.version ? { version: plugin.version } : {}),
        ...(plugin.description ? { description: plugin.description } : {}),
      },
    }));
  }

  get state(): KernelState {
    return this.stateValue;
  }

  get node(): NodeIdentity | undefined {
    return this.identity;
  }

  /** Where the API listens, once started. */
  get apiAddress(): { address: string; port: number } | undefined {
    return this.api?.address;
  }

  /** The API's URL, once started. */
  get apiUrl(): string | undefined {
    return this.endpoint.url;
  }

  list(): PluginStatus[] {
    return this.records.map((record) => ({ ...record.status, dependsOn: [...record.status.dependsOn] }));
  }

  start(): Promise<void> {
    if (this.stateValue !== 'new') return Promise.reject(new Error(`a kernel starts once; this one is ${this.stateValue}`));
    this.stateValue = 'starting';
    this.starting = this.startUp();
    return this.starting;
  }

  private async startUp(): Promise<void> {
    const { config } = this.options;
    const claimed = await claimNodeIdentity({ name: config.node.name, dataDir: config.dataDir, metadata: config.node.metadata }).catch(
      (error: unknown) => {
        this.stateValue = 'failed';
        throw error;
      },
    );
    this.identity = claimed.identity;
    this.releaseDataDir = claimed.release;
    this.log.info({ node: claimed.identity.name, machineId: claimed.identity.machineId, plugins: this.records.map((r) => r.plugin.id) }, 'node starting');

    this.registerCoreServices(claimed.identity);
    for (const record of this.records) {
      try {
        record.context = this.contextFor(record, claimed.identity);
        record.plugin.register(record.context);
        record.status.state = 'registered';
      } catch (error) {
        record.status.state = 'failed';
        record.status.error = (error as Error).message;
        await this.rollBack();
        throw new PluginStartError(record.plugin.id, 'register', error);
      }
    }

    for (const record of this.records) {
      if (this.stopRequested) return this.abortStart();
      try {
        await this.startOne(record);
      } catch (error) {
        record.status.state = 'failed';
        record.status.error = (error as Error).message;
        this.log.error({ plugin: record.plugin.id, err: error }, 'plugin failed to start; stopping what started');
        await this.rollBack();
        throw new PluginStartError(record.plugin.id, 'start', error);
      }
    }

    if (this.stopRequested) return this.abortStart();
    try {
      this.api = this.container.resolve(ApiServer);
      const bound = await this.api.listen();
      this.endpoint.url = apiUrl(bound.address, bound.port);
    } catch (error) {
      await this.rollBack();
      throw error;
    }

    for (const record of [...this.started]) {
      if (!record.plugin.ready) continue;
      if (this.stopRequested) return this.abortStart();
      try {
        await this.readyOne(record);
      } catch (error) {
        record.status.state = 'failed';
        record.status.error = (error as Error).message;
        this.log.error({ plugin: record.plugin.id, err: error }, 'plugin failed when the node was ready; stopping what started');
        await this.rollBack();
        throw new PluginStartError(record.plugin.id, 'ready', error);
      }
    }
    this.stateValue = 'running';
    this.log.info({ node: claimed.identity.name }, 'node running');
  }

  /**
   * Stops the API, then every started plugin in reverse order; safe to call more than once.
   * During a start, the start gives up after the plugin it is starting and undoes itself.
   */
  async stop(): Promise<void> {
    if (this.stateValue === 'starting') {
      this.stopRequested = true;
      await this.starting?.catch(() => undefined);
    }
    if (this.stateValue === 'new') this.stateValue = 'stopped';
    if (this.stateValue === 'stopped' || this.stateValue === 'failed') return;
    this.stopping ??= this.shutDown('stopped');
    return this.stopping;
  }

  private async abortStart(): Promise<never> {
    this.log.info('stop requested while starting: stopping what started');
    await this.shutDown('stopped').catch((error: unknown) => {
      this.log.error({ err: error }, 'errors while stopping a start that was called off');
    });
    throw new StartAbortedError();
  }

  private async rollBack(): Promise<void> {
    await this.shutDown('failed').catch((error: unknown) => {
      this.log.error({ err: error }, 'errors while stopping after a failed start');
    });
  }

  private async shutDown(finalState: 'stopped' | 'failed'): Promise<void> {
    this.stateValue = 'stopping';
    const errors: Error[] = [];
    await this.api?.close().catch((error: Error) => errors.push(error));
    for (const record of [...this.started].reverse()) {
      try {
        await this.stopOne(record);
      } catch (error) {
        errors.push(error as Error);
        record.status.state = 'failed';
        record.status.error = (error as Error).message;
        this.log.error({ plugin: record.plugin.id, err: error }, 'plugin failed to stop');
      }
    }
    this.started.length = 0;
    this.endpoint.url = undefined;
    await this.container.dispose();
    await this.releaseDataDir?.();
    this.releaseDataDir = undefined;
    this.stateValue = finalState;
    this.log.info({ node: this.identity?.name }, 'node stopped');
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} plugin(s) failed to stop cleanly`);
  }

  private async startOne(record: PluginRecord): Promise<void> {
    const { plugin, status, context } = record;
    await mkdir(context!.dataDir, { recursive: true, mode: 0o700 });
    status.state = 'starting';
    this.started.push(record);
    const began = performance.now();
    const timeout = this.startTimeoutOf(record);
    await withDeadline(plugin.start?.(context!), timeout, `start of plugin "${plugin.id}"`, record.controller);
    status.startMs = Math.round(performance.now() - began);
    status.startedAt = new Date().toISOString();
    status.state = 'running';
    this.log.info({ plugin: plugin.id, ms: status.startMs }, 'plugin started');
  }

  private async readyOne(record: PluginRecord): Promise<void> {
    const { plugin, context } = record;
    await withDeadline(plugin.ready!(context!), this.startTimeoutOf(record), `ready of plugin "${plugin.id}"`, record.controller);
    this.log.debug({ plugin: plugin.id }, 'plugin ready');
  }

  private startTimeoutOf({ plugin, context }: PluginRecord): number {
    const own = typeof plugin.startTimeout === 'function' ? plugin.startTimeout(context!.config) : plugin.startTimeout;
    return own ?? this.options.config.kernel.startTimeout;
  }

  private async stopOne(record: PluginRecord): Promise<void> {
    const { plugin, status, context, controller } = record;
    status.state = 'stopping';
    if (!controller.signal.aborted) controller.abort(new Error('node is stopping'));
    const timeout = plugin.stopTimeout ?? this.options.config.kernel.stopTimeout;
    try {
      await withDeadline(plugin.stop?.(context!), timeout, `stop of plugin "${plugin.id}"`);
    } catch (error) {
      if (error instanceof DeadlineError) this.log.warn({ plugin: plugin.id }, error.message);
      throw error;
    }
    status.state = 'stopped';
    this.log.debug({ plugin: plugin.id }, 'plugin stopped');
  }

  private registerCoreServices(identity: NodeIdentity): void {
    const { container, options } = this;
    container.register(CORE.Config, { useValue: options.config });
    container.register(CORE.Logger, { useValue: this.log });
    container.register(CORE.Node, { useValue: identity });
    container.register(CORE.Metrics, { useValue: this.metrics });
    container.register(CORE.PluginStatus, { useValue: this });
    container.register(CORE.ApiEndpoint, { useValue: this.endpoint });
    this.metrics.setDefaultLabels({ node: identity.name });
    collectDefaultMetrics({ register: this.metrics });
    const records = this.records;
    new Gauge({
      name: 'flotilla_plugin_running',
      help: 'Whether each plugin is running (1) or not (0)',
      labelNames: ['plugin'],
      registers: [this.metrics],
      collect() {
        for (const record of records) this.set({ plugin: record.plugin.id }, record.status.state === 'running' ? 1 : 0);
      },
    });
    options.configure?.(container);
  }

  private contextFor(record: PluginRecord, identity: NodeIdentity): PluginContext<unknown> {
    const { plugin } = record;
    const config = this.options.config.plugins[plugin.id]?.config ?? {};
    if (plugin.configToken) this.container.register(plugin.configToken, { useValue: config });
    return Object.freeze({
      id: plugin.id,
      config,
      container: this.container,
      log: this.log.child({ plugin: plugin.id }),
      node: identity,
      dataDir: path.join(identity.dataDir, 'plugins', plugin.id),
      signal: record.controller.signal,
    });
  }
}

/** A URL others can use: a wildcard bind is advertised as loopback (set an explicit URL otherwise). */
function apiUrl(address: string, port: number): string {
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}
