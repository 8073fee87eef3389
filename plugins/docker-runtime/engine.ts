import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { DockerRuntimeConfig } from './config.js';
import { configuredHost, parseEngineHost, type EngineAddress } from './engine-address.js';

/** The engine did not answer; the message names its address and the cause. */
export class EngineUnreachableError extends Error {
  constructor(
    readonly host: string,
    reason: string,
  ) {
    super(`Docker engine at ${host} is not reachable: ${reason}`);
    this.name = 'EngineUnreachableError';
  }
}

/** The engine's settings cannot be used (an unreadable TLS file, an address of an unsupported kind). */
export class EngineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineConfigError';
  }
}

const PING_TIMEOUT_MS = 5000;

type TlsFiles = NonNullable<DockerRuntimeConfig['tls']>;

/**
 * The Docker engine this node runs containers on. The dockerode client is built on first use
 * (TLS files are read then), so constructing one does no I/O.
 */
export class DockerEngine {
  /** The engine's address as messages show it (`unix:///var/run/docker.sock`). */
  readonly host: string;
  private docker?: Docker;
  private readonly address: EngineAddress | EngineConfigError;

  constructor(
    host: string,
    private readonly tls: TlsFiles = {},
  ) {
    const secure = Object.values(tls).some((file) => file !== undefined);
    let address: EngineAddress | EngineConfigError;
    try {
      address = parseEngineHost(host, secure);
    } catch (error) {
      address = new EngineConfigError(`the Docker engine address cannot be used: ${(error as Error).message}`);
    }
    this.address = address;
    this.host = address instanceof EngineConfigError ? host : address.display;
  }

  /** Whether the engine is on this machine (a unix socket), so that its process ids are this machine's. */
  get local(): boolean {
    return !(this.address instanceof EngineConfigError) && this.address.kind === 'unix';
  }

  /** The dockerode client; throws an EngineConfigError when the settings cannot be used. */
  get client(): Docker {
    this.docker ??= this.build();
    return this.docker;
  }

  /** Resolves when the engine answers `GET /_ping`; throws an EngineUnreachableError (or EngineConfigError) otherwise. */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<void> {
    const client = this.client;
    // dockerode passes abortSignal through to the request, though its ping typing does not list it.
    const ping = client.ping.bind(client) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    let answer: unknown;
    try {
      answer = await ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new EngineUnreachableError(this.host, describeEngineError(error, timeoutMs));
    }
    if (String(answer) !== 'OK') throw new EngineUnreachableError(this.host, `it answered the ping with ${JSON.stringify(String(answer).slice(0, 80))}`);
  }

  private build(): Docker {
    const address = this.address;
    if (address instanceof EngineConfigError) throw address;
    if (address.kind === 'unix') return new Docker({ socketPath: address.socketPath });
    return new Docker({
      protocol: address.protocol,
      host: address.host,
      port: address.port,
      ca: readTlsFile('ca', this.tls.ca),
      cert: readTlsFile('cert', this.tls.cert),
      key: readTlsFile('key', this.tls.key),
    });
  }
}

/** The engine the plugin's config names (DOCKER_HOST of `env` when it names none). */
export function engineFromConfig(config: Pick<DockerRuntimeConfig, 'host' | 'tls'>, env: Readonly<Record<string, string | undefined>> = process.env): DockerEngine {
  return new DockerEngine(configuredHost(config.host, env), config.tls);
}

function readTlsFile(which: keyof TlsFiles, file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new EngineConfigError(`cannot read plugins.docker-runtime.tls.${which} (${file}): ${(error as Error).message}`);
  }
}

/** A failed engine request in words: the socket error, the timeout, or the engine's own message. */
export function describeEngineError(error: unknown, timeoutMs?: number): string {
  const err = error as { name?: string; message?: string; statusCode?: number; json?: unknown; code?: string };
  if (err?.name === 'TimeoutError' || (err?.name === 'AbortError' && timeoutMs !== undefined)) {
    return `no answer within ${timeoutMs === undefined ? 'the timeout' : `${timeoutMs} ms`}`;
  }
  if (typeof err?.statusCode === 'number') return engineMessage(error);
  return err?.message ?? String(error);
}

/** The engine's own message of an API error (`No such container: web`), without dockerode's `(HTTP code …)` wrapping. */
export function engineMessage(error: unknown): string {
  const err = error as { message?: string; statusCode?: number; json?: unknown };
  const json = err?.json as { message?: unknown } | string | Buffer | undefined | null;
  if (json && typeof json === 'object' && !Buffer.isBuffer(json) && typeof json.message === 'string') return json.message;
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  const message = (err?.message ?? String(error)).trim();
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** The HTTP status of an engine API error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
