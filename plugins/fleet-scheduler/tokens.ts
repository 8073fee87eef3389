import { token } from '../../core/index.js';
import type { FleetSchedulerConfig } from './config.js';
import type { FleetCluster } from './fleet-cluster.js';
import type { RunningFleet } from './running-fleet.js';

export const FLEET_SCHEDULER = Object.freeze({
  Config: token<FleetSchedulerConfig>('fleet-scheduler.Config'),
  /** The cluster's read model and registry; resolving it before the plugin started throws. */
  Cluster: token<FleetCluster>('fleet-scheduler.Cluster'),
  /** The registry, engine and agent of this node while the plugin runs. */
  Running: token<RunningFleet>('fleet-scheduler.Running'),
});
