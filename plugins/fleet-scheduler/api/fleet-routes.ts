import type Router from '@koa/router';
import type { Context } from 'koa';
import { CORE, FLOTILLA_VERSION, HttpError, inject, injectable, type HttpRoute, type NodeConfig } from '../../../core/index.js';
import type { FleetSchedulerConfig } from '../config.js';
import type { FleetCluster } from '../fleet-cluster.js';
import { FLEET_SCHEDULER } from '../tokens.js';
import { unitNameProblem } from '../unit-file/unit-name.js';
import { DISCOVERY_JSON } from './discovery-document.js';
import { goJson, machineEntity, machinePage, unitEntity, unitPage, unitStateEntity, unitStatePage } from './entities.js';
import { badRequest, FleetApiError, fleetErrorBody, isStoreUnavailable, methodNotAllowed, notFound, unavailable } from './fleet-errors.js';
import { fleetTarget, type FleetTarget } from './fleet-path.js';
import { decodeMetadataPatch } from './metadata-patch.js';
import { pageOf, requestedPage } from './page-token.js';
import { requestText } from './request-body.js';
import { decodeUnitRequest } from './unit-request.js';
import { submitUnit } from './unit-submission.js';

/** Where the cluster comes from: it exists only while the plugin runs (FLEET_SCHEDULER.Running). */
export interface ClusterHolder {
  readonly cluster?: FleetCluster;
}

/** fleet serves its API at both; fleetctl uses the first. */
export const FLEET_API_PREFIXES = ['/fleet/v1', '/v1-alpha'] as const;

const SERVER = `flotilla/${FLOTILLA_VERSION}`;
const ONLY_GET = 'only GET supported against this resource';

/**
 * fleet's HTTP API v1, as fleetctl and fleet's Go client speak it: units, their states and the
 * machines, with fleet's status codes, messages, JSON and page tokens. Also Flotilla's
 * GET /v1/fleet/explain/{name}: why the unit is placed where it is.
 */
@injectable()
export class FleetApiRoutes implements HttpRoute {
  readonly name = 'fleet-api';

  constructor(
    @inject(FLEET_SCHEDULER.Running) private readonly running: ClusterHolder,
    @inject(FLEET_SCHEDULER.Config) private readonly config: FleetSchedulerConfig,
    @inject(CORE.Config) private readonly node: NodeConfig,
  ) {}

  mount(router: Router): void {
    for (const prefix of FLEET_API_PREFIXES) {
      router.all(`${prefix}{/*rest}`, (ctx) => this.serve(ctx, ctx.path.slice(prefix.length)));
    }
    router.get('/v1/fleet/explain/:name', (ctx) => this.explain(ctx, (ctx.params as Record<string, string>).name!));
  }

  private async serve(ctx: Context, rest: string): Promise<void> {
    ctx.set('Server', SERVER);
    try {
      const target = fleetTarget(rest);
      if (target.kind === 'malformed') throw badRequest('invalid URL escape in path');
      await this.dispatch(ctx, this.cluster(), target);
    } catch (error) {
      if (error instanceof FleetApiError) return fail(ctx, error);
      if (isStoreUnavailable(error)) return fail(ctx, unavailable());
      throw error;
    }
  }

  private cluster(): FleetCluster {
    const cluster = this.running.cluster;
    if (!cluster) throw unavailable();
    return cluster;
  }

  private async dispatch(ctx: Context, cluster: FleetCluster, target: FleetTarget): Promise<void> {
    const method = ctx.method;
    const query = new URLSearchParams(ctx.querystring);
    switch (target.kind) {
      case 'root':
        throw new FleetApiError(405, '');
      case 'unknown':
      case 'malformed':
        throw notFound();
      case 'discovery':
        if (method !== 'GET') throw badRequest('only HTTP GET supported against this resource');
        return sendJsonText(ctx, 200, DISCOVERY_JSON);
      case 'machines':
        if (method === 'GET') return this.listMachines(ctx, cluster, query);
        if (method === 'PATCH') return this.patchMachines(ctx, cluster);
        throw methodNotAllowed('only GET and PATCH supported against this resource', 'GET, PATCH');
      case 'units':
        if (method !== 'GET') throw methodNotAllowed(ONLY_GET, 'GET');
        return this.listUnits(ctx, cluster, query);
      case 'unit':
        if (method === 'GET') return this.getUnit(ctx, cluster, target.name);
        if (method === 'PUT') return this.putUnit(ctx, cluster, target.name);
        if (method === 'DELETE') return this.deleteUnit(ctx, cluster, target.name);
        throw methodNotAllowed('only GET, PUT and DELETE supported against this resource', 'GET, PUT, DELETE');
      case 'states':
        if (method !== 'GET') throw methodNotAllowed(ONLY_GET, 'GET');
        return this.listStates(ctx, cluster, query);
      case 'state':
        if (method !== 'GET') throw methodNotAllowed(ONLY_GET, 'GET');
        return this.getState(ctx, cluster, target.name);
    }
  }

  private async listMachines(ctx: Context, cluster: FleetCluster, query: URLSearchParams): Promise<void> {
    const token = requestedPage(query, this.config.pageSize);
    const page = pageOf(await cluster.machines(), token);
    sendJson(ctx, 200, machinePage(page.items.map(machineEntity), page.next));
  }

  private async patchMachines(ctx: Context, cluster: FleetCluster): Promise<void> {
    const changes = decodeMetadataPatch(await requestText(ctx, this.node.api.bodyLimit));
    for (const change of changes) await cluster.registry.setDynamicMetadata(change.machineId, change.key, change.value);
    sendEmpty(ctx, 204);
  }

  private async listUnits(ctx: Context, cluster: FleetCluster, query: URLSearchParams): Promise<void> {
    const token = requestedPage(query, this.config.pageSize);
    const page = pageOf(await cluster.units(), token);
    sendJson(ctx, 200, unitPage(page.items.map((unit) => unitEntity(unit, true)), page.next));
  }

  private async getUnit(ctx: Context, cluster: FleetCluster, name: string): Promise<void> {
    // A name PUT would refuse cannot exist; the store is not asked about it.
    const unit = unitNameProblem(name) ? undefined : await cluster.unit(name);
    if (!unit) throw notFound('unit does not exist');
    sendJson(ctx, 200, unitEntity(unit));
  }

  private async putUnit(ctx: Context, cluster: FleetCluster, name: string): Promise<void> {
    checkJsonContentType(ctx);
    const request = decodeUnitRequest(await requestText(ctx, this.node.api.bodyLimit));
    const outcome = await submitUnit(cluster, name, request);
    sendEmpty(ctx, outcome === 'updated' ? 204 : 201);
  }

  private async deleteUnit(ctx: Context, cluster: FleetCluster, name: string): Promise<void> {
    if (unitNameProblem(name) || !(await cluster.registry.destroyUnit(name))) throw notFound('unit does not exist');
    sendEmpty(ctx, 204);
  }

  private async listStates(ctx: Context, cluster: FleetCluster, query: URLSearchParams): Promise<void> {
    const token = requestedPage(query, this.config.pageSize);
    const machineId = query.get('machineID') || undefined;
    const unitName = query.get('unitName') || undefined;
    const page = pageOf(await cluster.states({ machineId, unitName }), token);
    sendJson(ctx, 200, unitStatePage(page.items.map(unitStateEntity), page.next));
  }

  private async getState(ctx: Context, cluster: FleetCluster, name: string): Promise<void> {
    const state = unitNameProblem(name) ? undefined : (await cluster.states({ unitName: name }))[0];
    if (!state) throw notFound('unit state does not exist');
    sendJson(ctx, 200, unitStateEntity(state));
  }

  private async explain(ctx: Context, name: string): Promise<void> {
    ctx.set('Server', SERVER);
    const cluster = this.running.cluster;
    if (!cluster) throw new HttpError(503, 'the fleet scheduler is not running');
    let explanation;
    try {
      explanation = unitNameProblem(name) ? undefined : await cluster.explain(name);
    } catch (error) {
      if (isStoreUnavailable(error)) throw new HttpError(503, 'the fleet registry cannot be reached');
      throw error;
    }
    if (!explanation) throw new HttpError(404, `unit ${name} does not exist`);
    ctx.body = explanation;
  }
}

/** fleet takes a unit only as JSON, and counts the Content-Type headers: exactly one is allowed. */
function checkJsonContentType(ctx: Context): void {
  const raw = ctx.req.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'content-type') values.push(raw[i + 1]!);
  if (values.length !== 1) throw new FleetApiError(415, `expected 1 Content-Type, got ${values.length}`);
  if (values[0]!.split(';')[0]!.trim() !== 'application/json') throw new FleetApiError(415, 'only acceptable Content-Type is application/json');
}

function fail(ctx: Context, error: FleetApiError): void {
  for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  sendJson(ctx, error.status, fleetErrorBody(error.status, error.message));
}

function sendJson(ctx: Context, status: number, value: unknown): void {
  sendJsonText(ctx, status, goJson(value));
}

function sendJsonText(ctx: Context, status: number, text: string): void {
  ctx.status = status;
  // Set before the body, so Koa keeps it as is (without a charset), as fleet sends it.
  ctx.set('Content-Type', 'application/json');
  ctx.body = text;
}

/** No body and no Content-Type. */
function sendEmpty(ctx: Context, status: 201 | 204): void {
  ctx.body = null;
  ctx.status = status;
}
