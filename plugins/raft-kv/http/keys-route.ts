import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { KvError, KvErrorCode, type KvResult } from '../../../core/index.js';
import type { RaftKvConfig } from '../config.js';
import type { RaftDriver } from '../raft-driver.js';
import type { StoreCommand } from '../store/commands.js';
import { trimHexId } from '../member-id.js';
import { encodeError, encodeResult, statusForErrorCode } from './v2-json.js';
import { keyFromPath, parseV2Params, type V2Params } from './v2-params.js';

const KEYS_PREFIX = '/v2/keys';
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);

/** etcd's /v2/keys: parameters, dispatch, status codes, headers and error bodies as etcd 3.4 gives them. */
export class KeysRoute {
  constructor(
    private readonly driver: RaftDriver,
    private readonly config: RaftKvConfig,
  ) {}

  async handle(ctx: Context): Promise<void> {
    ctx.set('X-Etcd-Cluster-Id', trimHexId(this.driver.identity.clusterId));
    if (!METHODS.has(ctx.method)) {
      ctx.status = 405;
      ctx.set('Allow', 'HEAD,GET,PUT,POST,DELETE');
      ctx.type = 'text/plain';
      ctx.body = 'Method Not Allowed\n';
      return;
    }
    const target = keyFromPath(ctx.path.slice(KEYS_PREFIX.length + 1));
    if ('redirect' in target) {
      ctx.status = 301;
      ctx.redirect(target.redirect + (ctx.querystring ? `?${ctx.querystring}` : ''));
      return;
    }
    try {
      const params = parseV2Params(ctx.method, new URLSearchParams(ctx.querystring), this.formOf(ctx));
      this.checkLimits(target.key, params);
      if (ctx.method === 'GET' || ctx.method === 'HEAD') {
        if (params.wait) return this.watch(ctx, target.key, params);
        return this.respond(ctx, await this.read(target.key, params), 200, false);
      }
      const result = await this.write(this.commandFor(ctx.method, target.key, params));
      const created = result.action === 'create' || (result.action === 'set' && !result.prevNode);
      this.respond(ctx, result, created ? 201 : 200, params.noValueOnSuccess);
    } catch (error) {
      this.fail(ctx, error);
    }
  }

  private formOf(ctx: Context): URLSearchParams | undefined {
    if ((ctx.method !== 'PUT' && ctx.method !== 'POST') || !ctx.request.is('application/x-www-form-urlencoded')) return undefined;
    const raw = (ctx.request as { rawBody?: string }).rawBody;
    return raw === undefined ? undefined : new URLSearchParams(raw);
  }

  private checkLimits(key: string, params: V2Params): void {
    if (Buffer.byteLength(key) > this.config.maxKeyBytes) {
      throw new KvError(KvErrorCode.InvalidField, 'Invalid field', `key is longer than ${this.config.maxKeyBytes} bytes`, 0);
    }
    if (params.value !== undefined && Buffer.byteLength(params.value) > this.config.maxValueBytes) {
      throw new KvError(KvErrorCode.InvalidField, 'Invalid field', `value is larger than ${this.config.maxValueBytes} bytes`, 0);
    }
  }

  private read(key: string, params: V2Params): Promise<KvResult> | KvResult {
    const store = () => this.driver.machine.store;
    const get = () => {
      const outcome = store().get(key, { recursive: params.recursive, sorted: params.sorted }, Date.now());
      if (!outcome.ok) throw outcome.error;
      return outcome.result;
    };
    return params.serializable ? get() : this.driver.linearizableRead(get);
  }

  private commandFor(method: string, key: string, params: V2Params): StoreCommand {
    const time = Date.now();
    if (method === 'POST') {
      return {
        op: 'createInOrder',
        dir: key,
        ...(params.dir ? { directory: true } : { value: params.value ?? '' }),
        ...(params.ttl !== undefined ? { ttl: params.ttl } : {}),
        time,
      };
    }
    if (method === 'DELETE') {
      return {
        op: 'delete',
        key,
        dir: params.dir,
        recursive: params.recursive,
        ...(params.prevValue !== undefined ? { prevValue: params.prevValue } : {}),
        ...(params.prevIndex !== undefined ? { prevIndex: params.prevIndex } : {}),
        time,
      };
    }
    return {
      op: 'set',
      key,
      ...(params.dir ? {} : { value: params.value ?? '' }),
      dir: params.dir,
      ...(params.ttl !== undefined ? { ttl: params.ttl } : {}),
      ...(params.prevExist !== undefined ? { prevExist: params.prevExist } : {}),
      ...(params.prevValue !== undefined ? { prevValue: params.prevValue } : {}),
      ...(params.prevIndex !== undefined ? { prevIndex: params.prevIndex } : {}),
      ...(params.refresh ? { refresh: true } : {}),
      time,
    };
  }

  private async write(command: StoreCommand): Promise<KvResult> {
    const outcome = await this.driver.propose(command);
    if (!outcome) throw new KvError(KvErrorCode.RaftInternal, 'Raft Internal Error', 'no result for the command', this.driver.machine.store.index);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  private watch(ctx: Context, key: string, params: V2Params): void {
    const store = this.driver.machine.store;
    const watcher = store.watch(key, {
      recursive: params.recursive,
      ...(params.waitIndex !== undefined ? { waitIndex: params.waitIndex } : {}),
      stream: params.stream,
    });
    this.setIndexHeaders(ctx, store.index);
    ctx.status = 200;
    ctx.type = 'application/json';
    const out = new PassThrough();
    ctx.body = out;
    ctx.req.on('close', () => watcher.close());
    void (async () => {
      try {
        do {
          const event = await watcher.next();
          out.write(encodeResult(event));
        } while (params.stream && !watcher.closed);
      } catch {
        // the watcher was closed (client gone, member stopping): end the body
      } finally {
        watcher.close();
        out.end();
      }
    })();
  }

  private respond(ctx: Context, result: KvResult, status: number, noValueOnSuccess: boolean): void {
    this.setIndexHeaders(ctx, result.index);
    ctx.status = status;
    ctx.type = 'application/json';
    ctx.body = encodeResult(result, { noValueOnSuccess });
  }

  private setIndexHeaders(ctx: Context, etcdIndex: number): void {
    const raft = this.driver.status();
    ctx.set('X-Etcd-Index', String(etcdIndex));
    ctx.set('X-Raft-Index', String(raft.commit));
    ctx.set('X-Raft-Term', String(raft.term));
  }

  private fail(ctx: Context, error: unknown): void {
    const kvError =
      error instanceof KvError
        ? error
        : new KvError(KvErrorCode.RaftInternal, 'Raft Internal Error', (error as Error).message, this.driver.machine.store.index);
    ctx.status = statusForErrorCode(kvError.errorCode);
    ctx.set('X-Etcd-Index', String(kvError.index));
    ctx.type = 'application/json';
    ctx.body = encodeError(kvError);
  }
}
