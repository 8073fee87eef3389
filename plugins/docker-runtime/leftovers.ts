import type Docker from 'dockerode';
import type { Logger } from '../../core/index.js';
import { describeEngineError, statusOf } from './engine.js';
import { NODE_LABEL, UNIT_LABEL } from './labels.js';

/** A container a previous run of this node left behind, as removeLeftovers() found it. */
export interface LeftoverContainer {
  id: string;
  name: string;
  unit: string | undefined;
  /** running, exited, created, … */
  state: string;
}

/**
 * Removes (forcibly: running ones are killed) every container labelled as started by this node,
 * in any state: what a previous run left when it ended without stopping its units. Containers
 * for which `keep` is true (started by this run) are left alone. Throws when the engine cannot
 * list containers; a container that cannot be removed is logged and skipped.
 */
export async function removeLeftovers(
  docker: Docker,
  machineId: string,
  log: Pick<Logger, 'info' | 'warn'>,
  keep: (id: string) => boolean = () => false,
): Promise<LeftoverContainer[]> {
  let listed: Docker.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${machineId}`] } });
  } catch (error) {
    throw new Error(`cannot list the containers left by a previous run: ${describeEngineError(error)}`);
  }
  const removed: LeftoverContainer[] = [];
  for (const found of listed) {
    if (keep(found.Id)) continue;
    const leftover: LeftoverContainer = {
      id: found.Id,
      name: (found.Names[0] ?? found.Id.slice(0, 12)).replace(/^\//, ''),
      unit: found.Labels?.[UNIT_LABEL],
      state: found.State,
    };
    try {
      await docker.getContainer(found.Id).remove({ force: true });
    } catch (error) {
      if (statusOf(error) !== 404) {
        log.warn({ container: leftover.id.slice(0, 12), name: leftover.name, unit: leftover.unit, err: describeEngineError(error) }, 'could not remove a container left by a previous run');
        continue;
      }
    }
    removed.push(leftover);
    log.info(
      { container: leftover.id.slice(0, 12), name: leftover.name, unit: leftover.unit, state: leftover.state },
      `removed container ${leftover.name} (${leftover.state}) left by a previous run${leftover.unit ? ` of ${leftover.unit}` : ''}`,
    );
  }
  return removed;
}
