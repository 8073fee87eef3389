import path from 'node:path';
import type {
  ExecHandle,
  ExecRuntime,
  ExecSpec,
  Generated,
  Logger,
  RuntimeVerdict,
  UnitCommandLine,
  UnitForRuntime,
} from '../../core/index.js';
import type { ContainerHandle } from './container-handle.js';
import { createContainer } from './container-create.js';
import { launchContainer } from './container-launch.js';
import { generateFromContainerSection } from './container-section.js';
import { ContainerSpecError, type ContainerSpec } from './container-spec.js';
import { ControlHandle } from './control-handle.js';
import { createOptions } from './create-options.js';
import { isDockerProgram, parseDockerCommand, type DockerCommand } from './docker-run-line.js';
import type { DockerEngine } from './engine.js';
import { containerEnvironment } from './env-file.js';
import { ensureImage, fullImageName, ImageMissingError, imagePresent } from './images.js';
import { ownerLabels } from './labels.js';
import { removeLeftovers, type LeftoverContainer } from './leftovers.js';

export interface DockerRuntimeOptions {
  engine: DockerEngine;
  /** This node's machine id, put on every container it creates (org.flotilla.node). */
  machineId: string;
  /** Pull images the engine lacks (plugins.docker-runtime.pull). */
  pull: boolean;
  log: Logger;
}

/** A `$NAME` word, which expands to any number of words when the command runs. */
const SPLIT_VARIABLE = /^\$[A-Za-z_][A-Za-z0-9_]*$/;

const DOCKER_SERVICE: Readonly<Record<string, string>> = Object.freeze({
  'docker.service': [
    '[Unit]',
    'Description=Docker Application Container Engine (reached by the docker-runtime plugin)',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'ExecStart=/usr/bin/docker info',
    '',
  ].join('\n'),
});

/**
 * Runs units' `docker …` command lines through the Docker Engine API: `docker run` (without -d)
 * as a container in the foreground, `docker kill|stop|rm|pull` as the API calls they make.
 * Containers get the unit's -e/--env-file environment only, as docker gives them, and labels
 * naming this node and the unit.
 */
export class DockerRuntime implements ExecRuntime {
  readonly name = 'docker';
  private readonly live = new Set<ContainerHandle>();
  private preparing?: Promise<LeftoverContainer[]>;
  private prepared = false;

  constructor(private readonly options: DockerRuntimeOptions) {}

  get engine(): DockerEngine {
    return this.options.engine;
  }

  accepts(spec: ExecSpec): boolean {
    const program = spec.program ?? spec.argv[0];
    return program !== undefined && isDockerProgram(program);
  }

  /**
   * Reaches the engine and removes the containers a previous run of this node left, once, before
   * the first container starts. A failure is tried again by the next call.
   */
  prepare(): Promise<LeftoverContainer[]> {
    this.preparing ??= (async () => {
      await this.engine.ping();
      const keep = new Set([...this.live].map((handle) => handle.id));
      const removed = await removeLeftovers(this.engine.client, this.options.machineId, this.options.log, (id) => keep.has(id));
      this.prepared = true;
      return removed;
    })().catch((error: unknown) => {
      this.preparing = undefined;
      throw error;
    });
    return this.preparing;
  }

  async check(spec: ExecSpec): Promise<RuntimeVerdict> {
    let command: DockerCommand;
    try {
      command = this.parse(spec);
    } catch (error) {
      if (error instanceof ContainerSpecError) return { ok: false, reason: error.message };
      throw error;
    }
    try {
      if (this.prepared) await this.engine.ping();
      else await this.prepare();
      if (command.kind === 'run' && !this.options.pull && !(await imagePresent(this.engine.client, command.spec.image))) {
        return { ok: false, reason: new ImageMissingError(fullImageName(command.spec.image)).message };
      }
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    return { ok: true };
  }

  async spawn(spec: ExecSpec): Promise<ExecHandle> {
    const command = this.parse(spec);
    await this.prepare();
    if (command.kind === 'control') return new ControlHandle(this.engine.client, command.command);
    for (const warning of command.warnings) this.options.log.warn({ unit: spec.unit }, warning);
    return this.run(spec, command.spec);
  }

  /** Settings from a [Container] section: its generated `ExecStart=/usr/bin/docker run …`. */
  generate(unit: UnitForRuntime): Generated | undefined {
    return generateFromContainerSection(unit);
  }

  /**
   * `docker.service`, so that units written for a host with Docker (`Requires=docker.service`,
   * `After=docker.service`) work unchanged: it is active while the engine answers.
   */
  providedUnits(): Readonly<Record<string, string>> {
    return DOCKER_SERVICE;
  }

  /** The problem with a `docker …` line, found when the unit is loaded. */
  inspect(command: UnitCommandLine): string | undefined {
    if (!isDockerProgram(command.program)) return undefined;
    try {
      parseDockerCommand(command.args);
      return undefined;
    } catch (error) {
      if (!(error instanceof ContainerSpecError)) throw error;
      // A `$NAME` word may expand to other words when the command runs; judge the line then.
      if (command.args.some((arg) => SPLIT_VARIABLE.test(arg))) return undefined;
      return error.message;
    }
  }

  /** Stops following the containers still running (the node is stopping); they are left to the engine. */
  close(): void {
    for (const handle of this.live) handle.close();
    this.live.clear();
  }

  private parse(spec: ExecSpec): DockerCommand {
    return parseDockerCommand(spec.argv.slice(1));
  }

  private async run(spec: ExecSpec, container: ContainerSpec): Promise<ContainerHandle> {
    const docker = this.engine.client;
    await ensureImage(docker, container.image, this.options.pull);
    // As the docker CLI would, relative --env-file paths are taken from the command's working directory.
    const cwd = spec.cwd !== undefined && path.isAbsolute(spec.cwd) ? spec.cwd : '/';
    const env = await containerEnvironment(container, cwd, (name) => (Object.hasOwn(spec.env, name) ? spec.env[name] : undefined));
    const owner = { machineId: this.options.machineId, unit: spec.unit };
    const created = await createContainer(docker, createOptions(container, env, ownerLabels(owner.machineId, owner.unit)), owner, (id) =>
      this.options.log.info({ unit: spec.unit, container: id.slice(0, 12), name: container.name }, 'removed an exited container of an earlier run to reuse its name'),
    );
    const handle = await launchContainer(docker, created, { image: container.image, autoRemove: container.autoRemove, local: this.engine.local, log: this.options.log });
    this.live.add(handle);
    void handle.exited.then(() => this.live.delete(handle));
    return handle;
  }
}
