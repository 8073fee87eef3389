import type Router from '@koa/router';
import { HttpError, inject, injectable, type HttpRoute } from '../../core/index.js';
import type { RunningFleet } from './running-fleet.js';
import { FLEET_SCHEDULER } from './tokens.js';

/** Flotilla's own view of the fleet: machines with their node API, so the CLI reaches a unit's machine without SSH. */
@injectable()
export class FleetClusterRoutes implements HttpRoute {
  readonly name = 'fleet-scheduler';

  constructor(@inject(FLEET_SCHEDULER.Running) private readonly running: RunningFleet) {}

  mount(router: Router): void {
    router.get('/v1/fleet/machines', async (ctx) => {
      const cluster = this.running.cluster;
      if (!cluster) throw new HttpError(503, 'the fleet scheduler is not running');
      ctx.body = { machines: await cluster.machines() };
    });
    router.get('/v1/fleet/engine', async (ctx) => {
      const cluster = this.running.cluster;
      if (!cluster) throw new HttpError(503, 'the fleet scheduler is not running');
      ctx.body = { leader: (await cluster.registry.leaseHolder()) ?? null, thisMachine: this.running.engine?.isLeader ?? false };
    });
  }
}
