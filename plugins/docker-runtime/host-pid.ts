import { readFileSync } from 'node:fs';

/**
 * A container's main process id as this machine sees it, when it is one: the engine reports the
 * pid in its own pid namespace, which is ours only when it runs here and we share it. The
 * process's cgroup naming the container (`…/docker-<id>.scope`, `/docker/<id>`) proves that.
 */
export function hostPid(pid: number | undefined, containerId: string, local: boolean): number | undefined {
  if (!local || pid === undefined || !Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId) ? pid : undefined;
  } catch {
    return undefined;
  }
}
