import type Docker from 'dockerode';
import type { Logger } from '../../core/index.js';
import { ContainerHandle, demultiplex, registerWait, type WaitResult } from './container-handle.js';
import { describeEngineError, statusOf } from './engine.js';
import { hostPid } from './host-pid.js';

export interface LaunchOptions {
  /** The image as the command named it (IMAGE_NAME). */
  image: string;
  autoRemove: boolean;
  /** Whether the engine runs on this machine, so that its process ids can be ours. */
  local: boolean;
  log: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Starts a created container as `docker run` does in the foreground: attach to its output and
 * register the wait for its exit first, so that nothing is lost however short it runs, then
 * start it. A container that cannot be started is removed and the engine's reason thrown.
 */
export async function launchContainer(docker: Docker, container: Docker.Container, options: LaunchOptions): Promise<ContainerHandle> {
  const abort = new AbortController();
  let attached: NodeJS.ReadableStream | undefined;
  let waited: Promise<WaitResult> | undefined;
  try {
    attached = (await container.attach({ stream: true, stdout: true, stderr: true, abortSignal: abort.signal })) as NodeJS.ReadableStream;
    const streams = demultiplex(docker, attached);
    waited = (await registerWait(container, abort.signal)).body;
    // Settled by the handle; until then a failed start must not leave it unhandled.
    waited.catch(() => undefined);
    await container.start();
    const info = await container.inspect().catch(() => undefined);
    return new ContainerHandle({
      container,
      info: {
        id: container.id,
        name: info?.Name.replace(/^\//, '') ?? container.id.slice(0, 12),
        image: options.image,
        pid: hostPid(info?.State.Pid, container.id, options.local),
      },
      stdout: streams.stdout,
      stderr: streams.stderr,
      waited,
      abort,
      autoRemove: options.autoRemove,
      log: options.log,
    });
  } catch (error) {
    abort.abort();
    await container.remove({ force: true }).catch((removal: unknown) => {
      if (statusOf(removal) !== 404) options.log.warn({ container: container.id, err: describeEngineError(removal) }, 'could not remove a container that failed to start');
    });
    throw new Error(`cannot start container ${container.id.slice(0, 12)} (${options.image}): ${describeEngineError(error)}`);
  }
}
