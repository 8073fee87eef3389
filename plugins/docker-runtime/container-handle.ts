import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ExecHandle, ExitStatus, Logger } from '../../core/index.js';
import { describeEngineError, statusOf } from './engine.js';

/** Exit code docker gives when the engine itself failed (the container's fate is unknown). */
export const ENGINE_FAILURE_CODE = 125;
/** How long the engine may stay unreachable while the end of a container is awaited. */
const UNREACHABLE_GIVE_UP_MS = 60_000;
const POLL_MS = 1000;

export interface ContainerInfo {
  /** The full 64-hex id. */
  id: string;
  name: string;
  /** The image as the command named it. */
  image: string;
  /** Its main process on this machine, when that can be known. */
  pid?: number;
}

export interface ContainerHandleOptions {
  container: Docker.Container;
  info: ContainerInfo;
  /** The attach stream, already demultiplexed into stdout and stderr. */
  stdout: Readable;
  stderr: Readable;
  /** The body of the wait request (registered before start); rejects when the request fails. */
  waited: Promise<WaitResult>;
  /** Aborts the wait and attach requests. */
  abort: AbortController;
  /** --rm: remove the container once it has exited, before `exited` resolves. */
  autoRemove: boolean;
  log: Pick<Logger, 'warn' | 'error'>;
}

export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/**
 * A running container as a unit's process: its demultiplexed output, its end as the engine
 * reports it (the exit code; 137 after SIGKILL is a code, as docker reports it), and signals
 * through the engine. A container's processes all end with its main one.
 */
export class ContainerHandle implements ExecHandle {
  readonly id: string;
  readonly pid?: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly journalFields: Readonly<Record<string, string>>;
  readonly exited: Promise<ExitStatus>;
  private hasExited = false;
  private closed = false;
  private readonly container: Docker.Container;
  private readonly abort: AbortController;

  constructor(private readonly options: ContainerHandleOptions) {
    const { info } = options;
    this.container = options.container;
    this.abort = options.abort;
    this.id = info.id;
    this.pid = info.pid;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.journalFields = Object.freeze({
      CONTAINER_ID: info.id.slice(0, 12),
      CONTAINER_ID_FULL: info.id,
      CONTAINER_NAME: info.name,
      IMAGE_NAME: info.image,
    });
    this.exited = this.awaitExit();
  }

  get name(): string {
    return this.options.info.name;
  }

  /** The main process while the container runs; nothing once it has exited. */
  remaining(): number[] {
    return this.hasExited || this.pid === undefined ? [] : [this.pid];
  }

  /**
   * Signals the container's main process (docker kill). `all` is the same: the others end with
   * it. A container that is no longer running or no longer exists is not an error.
   */
  async kill(signal: NodeJS.Signals, _scope: 'main' | 'all' = 'main'): Promise<void> {
    if (this.hasExited) return;
    try {
      await this.container.kill({ signal });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 409) return;
      throw new Error(`cannot send ${signal} to container ${this.name}: ${describeEngineError(error)}`);
    }
  }

  /** Stops following the container (the node is stopping): its requests are dropped and `exited` no longer settles. */
  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  private async awaitExit(): Promise<ExitStatus> {
    let code: number;
    try {
      const result = await this.options.waited;
      if (result.Error?.Message) this.options.log.warn({ container: this.name, err: result.Error.Message }, 'the engine reported an error waiting for the container');
      code = result.StatusCode;
    } catch (error) {
      if (this.closed) return new Promise<never>(() => {});
      this.options.log.warn({ container: this.name, err: describeEngineError(error) }, 'lost the wait for the container; polling its state');
      code = await this.pollExitCode();
      if (this.closed) return new Promise<never>(() => {});
    }
    if (this.options.autoRemove) await this.remove();
    this.hasExited = true;
    return { code, signal: null };
  }

  /** The exit code from the container's state, once it is not running; 125 when the engine stays away. */
  private async pollExitCode(): Promise<number> {
    let unreachableSince: number | undefined;
    while (!this.closed) {
      try {
        const state = (await this.container.inspect()).State;
        unreachableSince = undefined;
        if (!state.Running && !state.Restarting) return state.ExitCode;
      } catch (error) {
        if (statusOf(error) === 404) {
          this.options.log.error({ container: this.name }, 'the container was removed before its exit code could be read');
          return ENGINE_FAILURE_CODE;
        }
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > UNREACHABLE_GIVE_UP_MS) {
          this.options.log.error({ container: this.name, err: describeEngineError(error) }, 'the engine stayed unreachable; the container is taken as ended');
          return ENGINE_FAILURE_CODE;
        }
      }
      await sleep(POLL_MS, undefined, { ref: false });
    }
    return ENGINE_FAILURE_CODE;
  }

  private async remove(): Promise<void> {
    try {
      await this.container.remove({ force: true });
    } catch (error) {
      const status = statusOf(error);
      // 404: gone already; 409: a removal is already in progress.
      if (status !== 404 && status !== 409) this.options.log.warn({ container: this.name, err: describeEngineError(error) }, 'could not remove the container (--rm)');
    }
  }
}

/**
 * Registers `POST /containers/{id}/wait?condition=next-exit` and resolves once the engine has
 * (it answers the headers then), with the body still to come. Starting the container only after
 * this cannot miss an exit, however quick.
 */
export function registerWait(container: Docker.Container, signal: AbortSignal): Promise<{ body: Promise<WaitResult> }> {
  return new Promise((resolve, reject) => {
    container.modem.dial(
      {
        path: `/containers/${container.id}/wait?`,
        method: 'POST',
        options: { condition: 'next-exit' },
        abortSignal: signal,
        isStream: true,
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
      },
      (error: Error | null, response: IncomingMessage) => {
        if (error) reject(error);
        else resolve({ body: readJson<WaitResult>(response) });
      },
    );
  });
}

function readJson<T>(response: IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => {
      ended = true;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text) as T);
      } catch {
        reject(new Error(`the engine answered the wait with ${JSON.stringify(text.slice(0, 200))}`));
      }
    });
    response.once('error', reject);
    response.once('close', () => {
      if (!ended) reject(new Error('the wait request was cut off before the container exited'));
    });
  });
}

/** Two streams fed by demultiplexing a non-TTY attach stream; both end when it does. */
export function demultiplex(docker: Docker, attached: NodeJS.ReadableStream): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(attached, stdout, stderr);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    stdout.end();
    stderr.end();
  };
  attached.once('end', end);
  attached.once('close', end);
  attached.once('error', end);
  // Nobody reads any more (the node is stopping): stop receiving.
  const dropped = () => {
    if (stdout.destroyed && stderr.destroyed) (attached as Readable).destroy?.();
  };
  stdout.once('close', dropped);
  stderr.once('close', dropped);
  return { stdout, stderr };
}
