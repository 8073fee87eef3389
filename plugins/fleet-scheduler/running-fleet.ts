import type { FleetAgent } from './agent/fleet-agent.js';
import type { FleetEngine } from './engine/fleet-engine.js';
import type { FleetCluster } from './fleet-cluster.js';

/** What the plugin runs once started; routes and tests reach it through FLEET_SCHEDULER.Running. */
export class RunningFleet {
  cluster?: FleetCluster;
  engine?: FleetEngine;
  agent?: FleetAgent;

  get(): FleetCluster {
    if (!this.cluster) throw new Error('the fleet scheduler is not running: it starts with the fleet-scheduler plugin');
    return this.cluster;
  }
}
