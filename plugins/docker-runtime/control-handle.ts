import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecHandle, ExitStatus } from '../../core/index.js';
import type { DockerControlCommand } from './container-spec.js';
import { engineMessage, statusOf } from './engine.js';
import { fullImageName, pullImage } from './images.js';

/**
 * `docker kill|stop|rm|pull` as a unit's command: the Engine API calls, with an empty stdout,
 * the errors on stderr (so that they are journaled), and the exit code docker gives: 0 when every
 * call succeeded, 1 otherwise. Killing it drops the calls still in flight, as killing the docker
 * CLI would.
 */
export class ControlHandle implements ExecHandle {
  readonly id: string;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exited: Promise<ExitStatus>;
  private readonly abort = new AbortController();
  private killedBy?: NodeJS.Signals;
  private done = false;

  constructor(docker: Docker, command: DockerControlCommand) {
    this.id = `docker-${command.verb}:${command.verb === 'pull' ? command.image : command.verb === 'info' ? 'engine' : command.names.join(',')}`;
    if (command.verb !== 'info') this.stdout.end();
    this.exited = this.run(docker, command);
  }

  remaining(): number[] {
    return [];
  }

  async kill(signal: NodeJS.Signals, _scope: 'main' | 'all' = 'main'): Promise<void> {
    if (this.done || this.killedBy) return;
    this.killedBy = signal;
    this.abort.abort();
  }

  private async run(docker: Docker, command: DockerControlCommand): Promise<ExitStatus> {
    const aborted = new Promise<string[]>((resolve) => this.abort.signal.addEventListener('abort', () => resolve([]), { once: true }));
    const failures = await Promise.race([perform(docker, command, this.abort.signal, this.stdout), aborted]);
    this.done = true;
    if (this.killedBy) {
      if (!this.stdout.writableEnded) this.stdout.end();
      this.stderr.end();
      return { code: null, signal: this.killedBy };
    }
    for (const failure of failures) this.stderr.write(`${failure}\n`);
    this.stderr.end();
    return { code: failures.length === 0 ? 0 : 1, signal: null };
  }
}

/** Runs the command's calls, one container after the other as docker does; the error of each failed one. */
async function perform(docker: Docker, command: DockerControlCommand, abortSignal: AbortSignal, stdout: PassThrough): Promise<string[]> {
  const failures: string[] = [];
  if (command.verb === 'info') {
    try {
      const version = await docker.version();
      stdout.write(`Server Version: ${version.Version}\nAPI Version: ${version.ApiVersion}\nOperating System: ${version.Os}/${version.Arch}\n`);
    } catch (error) {
      failures.push(`docker info: ${engineMessage(error)}`);
    } finally {
      stdout.end();
    }
    return failures;
  }
  if (command.verb === 'pull') {
    try {
      await pullImage(docker, command.image);
    } catch (error) {
      failures.push(`docker pull ${fullImageName(command.image)}: ${(error as Error).message}`);
    }
    return failures;
  }
  for (const name of command.names) {
    if (abortSignal.aborted) break;
    const container = docker.getContainer(name);
    try {
      switch (command.verb) {
        case 'kill':
          await container.kill({ signal: command.signal ?? 'SIGKILL', abortSignal });
          break;
        case 'stop':
          await container.stop({ ...(command.timeout !== undefined ? { t: command.timeout } : {}), abortSignal });
          break;
        case 'rm':
          await container.remove({ force: command.force, abortSignal });
          break;
      }
    } catch (error) {
      if (abortSignal.aborted) break;
      if (succeededAnyway(command.verb, command.verb === 'rm' && command.force, statusOf(error))) continue;
      failures.push(`docker ${command.verb} ${name}: ${engineMessage(error)}`);
    }
  }
  return failures;
}

/** `docker stop` of a stopped container (304) succeeds, and `docker rm -f` of a missing one (404), as with the docker CLI. */
function succeededAnyway(verb: string, force: boolean, status: number | undefined): boolean {
  return (verb === 'stop' && status === 304) || (verb === 'rm' && force && status === 404);
}
