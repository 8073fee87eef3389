import type Router from '@koa/router';
import { HttpError, inject, injectable, type HttpRoute } from '../../core/index.js';
import type { JournalStore } from './store/journal-store.js';
import { JOURNAL } from './tokens.js';

const WHOLE_NUMBER = /^\d+$/;

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!WHOLE_NUMBER.test(value)) throw new HttpError(400, `${name} must be a whole number`);
  return Number(value);
}

/** journalctl's --disk-usage and --vacuum-size/--vacuum-time over HTTP. */
@injectable()
export class JournalMaintenanceRoutes implements HttpRoute {
  readonly name = 'journal-maintenance';

  constructor(@inject(JOURNAL.Store) private readonly store: JournalStore) {}

  mount(router: Router): void {
    router.get('/v1/journal/usage', (ctx) => {
      ctx.body = this.store.usage();
    });
    router.post('/v1/journal/vacuum', async (ctx) => {
      const query = new URLSearchParams(ctx.querystring);
      const size = positive(query.get('size') ?? undefined, 'size (bytes)');
      const time = positive(query.get('time') ?? undefined, 'time (milliseconds)');
      if (size === undefined && time === undefined) throw new HttpError(400, 'give size (bytes to keep) or time (milliseconds of entries to keep)');
      ctx.body = await this.store.vacuum({ ...(size !== undefined ? { size } : {}), ...(time !== undefined ? { time } : {}) });
    });
  }
}
