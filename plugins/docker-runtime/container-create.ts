import type Docker from 'dockerode';
import { describeEngineError, statusOf } from './engine.js';
import { isOwnedBy } from './labels.js';

/** Whose containers may be replaced when their name is taken: this node's, for this unit. */
export interface ContainerOwner {
  machineId: string;
  unit: string;
}

/** The container name is taken by a container this runtime may not remove. */
export class ContainerNameConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerNameConflictError';
  }
}

/**
 * Creates a container. When its name is taken by a container that is not running and was
 * started by this node for the same unit (an earlier run without --rm), that one is removed and
 * the create tried once more; any other holder of the name is reported.
 */
export async function createContainer(
  docker: Docker,
  options: Docker.ContainerCreateOptions,
  owner: ContainerOwner,
  onReplaced?: (id: string) => void,
): Promise<Docker.Container> {
  try {
    return await docker.createContainer(options);
  } catch (error) {
    if (statusOf(error) !== 409 || options.name === undefined) throw createFailure(options, error);
  }
  const name = options.name;
  let holder: Docker.ContainerInspectInfo | undefined;
  try {
    holder = await docker.getContainer(name).inspect();
  } catch (error) {
    // Gone in between (removed by its own --rm): the name is free now.
    if (statusOf(error) !== 404) throw createFailure(options, error);
  }
  if (holder) {
    const short = holder.Id.slice(0, 12);
    if (!isOwnedBy(holder.Config.Labels ?? undefined, owner.machineId, owner.unit)) {
      throw new ContainerNameConflictError(
        `container name "${name}" is already in use by container ${short}, which this node did not start for ${owner.unit}; remove it (docker rm ${name}) or choose another --name`,
      );
    }
    if (holder.State.Running || holder.State.Restarting) {
      throw new ContainerNameConflictError(`container name "${name}" is in use by container ${short} of an earlier start of ${owner.unit}, which is still running; stop it first (docker stop ${name})`);
    }
    try {
      await docker.getContainer(holder.Id).remove({ force: true });
    } catch (error) {
      if (statusOf(error) !== 404) throw new Error(`cannot remove container ${short} (an earlier run of ${owner.unit}) to reuse the name "${name}": ${describeEngineError(error)}`);
    }
    onReplaced?.(holder.Id);
  }
  try {
    return await docker.createContainer(options);
  } catch (error) {
    throw createFailure(options, error);
  }
}

function createFailure(options: Docker.ContainerCreateOptions, error: unknown): Error {
  const what = options.name === undefined ? `a container of ${options.Image}` : `container "${options.name}"`;
  return new Error(`cannot create ${what}: ${describeEngineError(error)}`);
}
