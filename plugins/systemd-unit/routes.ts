import { readlink } from 'node:fs/promises';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { HttpError, inject, injectable, type HttpRoute, type UnitStatus } from '../../core/index.js';
import { SYSTEMD_UNIT } from './tokens.js';
import { NoSuchUnitError, UnitJobError, type UnitControl } from './unit-control.js';
import { invalidUnitNameMessage, isValidUnitName } from './unit-name-check.js';

/** One link `enable` made or `disable` removed; `target` is where a made link points. */
export interface UnitFileChange {
  type: 'symlink' | 'unlink';
  path: string;
  target?: string;
}

type JobVerb = 'start' | 'stop' | 'restart' | 'reload';

const JOB_VERBS: readonly JobVerb[] = ['start', 'stop', 'restart', 'reload'];

/**
 * systemctl over HTTP: /v1/units lists, shows, starts, stops, enables, loads and unloads units.
 * Unknown units answer 404, failed jobs 409, malformed names 400.
 */
@injectable()
export class UnitRoutes implements HttpRoute {
  readonly name = 'systemd-unit';

  constructor(@inject(SYSTEMD_UNIT.Control) private readonly control: UnitControl) {}

  mount(router: Router): void {
    // Before the `:name` routes; neither is a valid unit name, so they cannot shadow a unit.
    router.post('/v1/units/daemon-reload', async (ctx) => {
      await this.control.daemonReload();
      ctx.status = 204;
    });
    router.post('/v1/units/reset-failed', async (ctx) => {
      await this.control.resetFailed();
      ctx.status = 204;
    });

    router.get('/v1/units', async (ctx) => {
      ctx.body = { units: await this.control.list() };
    });
    router.get('/v1/units/:name', (ctx) => this.answer(ctx, (name) => this.control.detail(name)));
    router.get('/v1/units/:name/file', (ctx) => this.answer(ctx, async (name) => ({ files: await this.control.cat(name) })));
    router.put('/v1/units/:name', (ctx) => {
      const content = unitFileContent(ctx);
      return this.answer(ctx, (name) => this.control.load(name, content));
    });
    router.delete('/v1/units/:name', (ctx) =>
      this.answer(ctx, async (name) => {
        await this.control.unload(name);
        ctx.status = 204;
      }),
    );

    for (const verb of JOB_VERBS) {
      router.post(`/v1/units/:name/${verb}`, (ctx) => this.answer(ctx, (name) => this.job(verb, name)));
    }
    router.post('/v1/units/:name/enable', (ctx) =>
      this.answer(ctx, async (name) => ({ changes: await withTargets(await this.control.enable(name), () => this.fragmentOf(name)) })),
    );
    router.post('/v1/units/:name/disable', (ctx) =>
      this.answer(ctx, async (name) => ({ changes: (await this.control.disable(name)).map((path): UnitFileChange => ({ type: 'unlink', path })) })),
    );
    router.post('/v1/units/:name/reset-failed', (ctx) =>
      this.answer(ctx, async (name) => {
        await this.control.resetFailed(name);
        return this.control.status(name);
      }),
    );
  }

  /** Runs `action` on the unit named in the path and answers with what it returns (JSON), or maps its error to a status. */
  private async answer(ctx: Context, action: (name: string) => Promise<unknown>): Promise<void> {
    const name = (ctx.params as Record<string, string>).name!;
    if (!isValidUnitName(name)) throw new HttpError(400, invalidUnitNameMessage(name));
    let result: unknown;
    try {
      result = await action(name);
    } catch (error) {
      if (error instanceof NoSuchUnitError) throw new HttpError(404, error.message);
      if (error instanceof UnitJobError) throw new HttpError(409, error.message);
      throw error;
    }
    if (result !== undefined) ctx.body = result;
  }

  private job(verb: JobVerb, name: string): Promise<UnitStatus> {
    switch (verb) {
      case 'start':
        return this.control.start(name);
      case 'stop':
        return this.control.stop(name);
      case 'restart':
        return this.control.restart(name);
      case 'reload':
        return this.control.reload(name);
    }
  }

  private async fragmentOf(name: string): Promise<string | undefined> {
    return (await this.control.detail(name)).fragmentPath;
  }
}

/**
 * The links as `Created symlink A → B.` needs them: where each one points as read from the
 * disk, or the unit's file when the link cannot be read.
 */
async function withTargets(paths: string[], fragment: () => Promise<string | undefined>): Promise<UnitFileChange[]> {
  let fallback: Promise<string | undefined> | undefined;
  return Promise.all(
    paths.map(async (path): Promise<UnitFileChange> => {
      const target = await readlink(path).catch(() => (fallback ??= fragment().catch(() => undefined)));
      return { type: 'symlink', path, ...(target !== undefined ? { target } : {}) };
    }),
  );
}

/** The unit file's text from a PUT: a text/plain body, JSON `{"content": "…"}`, or a form-encoded body taken as sent (curl --data-binary's default). */
function unitFileContent(ctx: Context): string {
  const body: unknown = ctx.request.body;
  let content: unknown;
  if (typeof body === 'string') content = body;
  else if (ctx.is('application/json')) {
    content = typeof body === 'object' && body !== null ? (body as { content?: unknown }).content : undefined;
    if (typeof content !== 'string') throw new HttpError(400, 'a JSON body needs the unit file as a "content" string');
  } else if (ctx.is('application/x-www-form-urlencoded') && typeof ctx.request.rawBody === 'string') content = ctx.request.rawBody;
  else throw new HttpError(415, 'send the unit file as text/plain, or as JSON {"content": "…"}');
  if ((content as string).trim() === '') throw new HttpError(400, 'the unit file is empty');
  return content as string;
}
