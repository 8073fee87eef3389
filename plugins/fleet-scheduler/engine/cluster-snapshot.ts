import type { ClusterMachine } from '../../../core/index.js';
import type { FleetRegistry, Schedule } from '../registry/fleet-registry.js';
import { schedulableUnit } from '../unit-file/schedulable-unit.js';
import type { SchedulerJob } from './scheduler.js';

export interface ClusterSnapshot {
  machines: ClusterMachine[];
  jobs: Map<string, SchedulerJob>;
  schedule: Schedule;
}

/** Everything the scheduler needs, read from the registry (unit files come from the content cache). */
export async function loadSnapshot(registry: FleetRegistry): Promise<ClusterSnapshot> {
  const [machineViews, jobRecords, schedule] = await Promise.all([registry.machines(), registry.jobs(), registry.schedule()]);
  const machines = machineViews.map(({ id, name, publicIp, metadata }) => ({ id, name, publicIp, metadata }));
  const jobs = new Map<string, SchedulerJob>();
  await Promise.all(
    [...jobRecords].map(async ([name, record]) => {
      const options = await registry.unitOptions(record.hash);
      if (options) jobs.set(name, { unit: schedulableUnit(name, options), hash: record.hash, desiredState: record.desiredState });
    }),
  );
  return { machines, jobs, schedule };
}
