import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { CORE, HttpError, inject, injectable, type HttpRoute, type Journal, type JournalEntry, type JournalQuery } from '../../core/index.js';
import { openEntryStream } from './entry-stream.js';
import { contentTypeOf, formatEntry, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './format/index.js';
import { parseBoolean, queryFromParams, QueryParamError } from './query-params.js';

export interface JournalRequest {
  query: JournalQuery;
  output: OutputFormat;
  follow: boolean;
}

/** The parameters of GET /v1/journal: a query, `output` (json lines by default) and `follow`. */
export function parseJournalRequest(params: URLSearchParams, now: Date = new Date()): JournalRequest {
  const output = params.get('output') ?? 'json';
  if (!isOutputFormat(output)) throw new QueryParamError(`Unknown output format "${output}" (use ${OUTPUT_FORMATS.join(', ')})`);
  if (params.getAll('output').length > 1 || params.getAll('follow').length > 1) throw new QueryParamError('output and follow may be given once');
  const followParam = params.get('follow');
  const follow = followParam === null ? false : parseBoolean('follow', followParam);
  const query = queryFromParams(params, now, ['output', 'follow']);
  if (follow && query.reverse) throw new QueryParamError('Specify either reverse or follow, not both');
  return { query, output, follow };
}

/** GET /v1/journal: journalctl over HTTP, one entry per line, streamed; `follow=true` keeps the answer open for new entries. */
@injectable()
export class JournalRoutes implements HttpRoute {
  readonly name = 'journal';

  constructor(@inject(CORE.Journal) private readonly journal: Journal) {}

  mount(router: Router): void {
    router.get('/v1/journal', (ctx) => this.read(ctx));
  }

  private async read(ctx: Context): Promise<void> {
    let request: JournalRequest;
    try {
      request = parseJournalRequest(new URLSearchParams(ctx.querystring));
    } catch (error) {
      if (error instanceof QueryParamError) throw new HttpError(400, error.message);
      throw error;
    }
    const abort = new AbortController();
    const entries = await openEntryStream(this.journal, request.query, request.follow ? abort.signal : undefined);
    const out = new PassThrough();
    ctx.status = 200;
    ctx.type = contentTypeOf(request.output);
    ctx.set('Cache-Control', 'no-cache');
    if (request.follow) {
      ctx.set('X-Accel-Buffering', 'no');
      // Node sends the headers with the first chunk; a follow may wait long for one.
      ctx.res.once('pipe', () => ctx.res.flushHeaders());
    }
    ctx.body = out;
    const stop = () => abort.abort();
    ctx.res.once('close', stop);
    void pump(entries, out, request.output, abort.signal).finally(() => {
      ctx.res.off('close', stop);
      abort.abort();
    });
  }
}

async function pump(entries: AsyncGenerator<JournalEntry>, out: PassThrough, output: OutputFormat, signal: AbortSignal): Promise<void> {
  const closed = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    for (let step = await entries.next(); !step.done && !signal.aborted; step = await entries.next()) {
      const text = formatEntry(step.value, output, { all: true });
      if (text === undefined) continue;
      if (!out.write(`${text}\n`)) await Promise.race([once(out, 'drain'), closed]);
    }
  } catch (error) {
    // Headers are gone; end the body short and let the client see the stream stop.
    out.destroy(error as Error);
    return;
  } finally {
    await entries.return(undefined);
  }
  out.end();
}
