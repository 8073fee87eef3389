import type Router from '@koa/router';
import { inject, injectable, type HttpRoute } from '../../core/index.js';
import type { AppliedReport } from './report.js';
import { CLOUD_CONFIG } from './tokens.js';

/** GET /v1/cloud-config: what this boot wrote and did, file by file and unit by unit. */
@injectable()
export class CloudConfigRoutes implements HttpRoute {
  readonly name = 'cloud-config';

  constructor(@inject(CLOUD_CONFIG.Report) private readonly report: AppliedReport) {}

  mount(router: Router): void {
    router.get('/v1/cloud-config', (ctx) => {
      ctx.body = this.report;
    });
  }
}
