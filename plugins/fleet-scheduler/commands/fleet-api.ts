import { NodeClient, NodeClientError } from '../../../core/cli/index.js';
import type { UnitOption } from '../../../core/index.js';

/** fleet API v1 entities as the node sends them (every field may be missing, as in fleet). */
export interface FleetUnit {
  name: string;
  options?: UnitOption[];
  desiredState?: string;
  currentState?: string;
  machineID?: string;
}

export interface FleetUnitState {
  name: string;
  hash?: string;
  machineID?: string;
  systemdLoadState?: string;
  systemdActiveState?: string;
  systemdSubState?: string;
}

export interface FleetMachine {
  id: string;
  metadata?: Record<string, string>;
  primaryIP?: string;
}

/** A machine as GET /v1/fleet/machines lists it: with the node API that `status` and `journal` reach. */
export interface NodeMachine {
  id: string;
  name?: string;
  publicIp?: string;
  apiUrl?: string;
  metadata?: Record<string, string[]>;
}

export interface PlacementRejection {
  constraint: string;
  reason: string;
}

export interface PlacementScore {
  constraint: string;
  score: number;
}

/** One machine in GET /v1/fleet/explain/{name}, normalised from whatever shape the node sent. */
export interface MachineVerdict {
  id: string;
  name?: string;
  accepted: boolean;
  chosen: boolean;
  rejections: PlacementRejection[];
  scores: PlacementScore[];
  total?: number;
}

export interface PlacementExplanation {
  unit: string;
  global: boolean;
  machines: MachineVerdict[];
}

/** An error answer from the node, worded as fleetctl shows fleetd's (`Error 404: unit does not exist`). */
export class FleetApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`Error ${status}: ${reason}`);
    this.name = 'FleetApiError';
  }
}

const V1 = '/fleet/v1';
/** fleet's Go client sends it on every request; fleetd accepts and ignores it. */
const ALT = 'alt=json';
/** Guards against a node that keeps handing out page tokens. */
const MAX_PAGES = 10_000;

const unitPath = (name: string) => `${V1}/units/${encodeURIComponent(name)}?${ALT}`;

/** fleet's HTTP API v1 on a node, as fleetctl's client uses it, plus the node's fleet extensions. */
export class FleetApi {
  readonly client: NodeClient;

  constructor(endpoint: string, token?: string) {
    this.client = new NodeClient(endpoint, token);
  }

  machines(): Promise<FleetMachine[]> {
    return this.pages<FleetMachine>(`${V1}/machines`, 'machines');
  }

  units(): Promise<FleetUnit[]> {
    return this.pages<FleetUnit>(`${V1}/units`, 'units');
  }

  states(): Promise<FleetUnitState[]> {
    return this.pages<FleetUnitState>(`${V1}/state`, 'states');
  }

  /** The unit, or undefined when the registry has none by that name. */
  async unit(name: string): Promise<FleetUnit | undefined> {
    return this.orNone(() => this.json<FleetUnit>('GET', unitPath(name)));
  }

  async state(name: string): Promise<FleetUnitState | undefined> {
    return this.orNone(() => this.json<FleetUnitState>('GET', `${V1}/state/${encodeURIComponent(name)}?${ALT}`));
  }

  /** Creates or replaces the unit; no desired state, so the registry keeps it inactive. */
  async createUnit(name: string, options: readonly UnitOption[]): Promise<void> {
    await this.put(name, { name, options });
  }

  async setDesiredState(name: string, desiredState: string): Promise<void> {
    await this.put(name, { desiredState, name });
  }

  /** False when there was no such unit. */
  async destroyUnit(name: string): Promise<boolean> {
    return (await this.orNone(() => this.send('DELETE', unitPath(name)).then(() => true))) ?? false;
  }

  async nodeMachines(): Promise<NodeMachine[]> {
    const body = await this.json<{ machines?: NodeMachine[] } | NodeMachine[]>('GET', '/v1/fleet/machines');
    const machines = Array.isArray(body) ? body : (body.machines ?? []);
    return machines.filter((m) => typeof m?.id === 'string');
  }

  async explain(name: string): Promise<PlacementExplanation | undefined> {
    const body = await this.orNone(() => this.json<unknown>('GET', `/v1/fleet/explain/${encodeURIComponent(name)}`));
    return body === undefined ? undefined : normaliseExplanation(name, body);
  }

  private async put(name: string, body: object): Promise<void> {
    await this.send('PUT', unitPath(name), { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  }

  private async pages<T>(path: string, key: string): Promise<T[]> {
    const items: T[] = [];
    let token = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = token === '' ? ALT : `${ALT}&nextPageToken=${encodeURIComponent(token)}`;
      const body = await this.json<Record<string, unknown>>('GET', `${path}?${query}`);
      const list = body[key];
      if (Array.isArray(list)) items.push(...(list as T[]));
      token = typeof body.nextPageToken === 'string' ? body.nextPageToken : '';
      if (token === '') return items;
    }
    throw new FleetApiError(500, `${path} kept answering with a next page after ${MAX_PAGES} pages`);
  }

  private async orNone<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof FleetApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async json<T>(method: string, path: string): Promise<T> {
    return (await this.send(method, path)).json() as Promise<T>;
  }

  private async send(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<Response> {
    try {
      return await this.client.request(method, path, init);
    } catch (error) {
      if (error instanceof NodeClientError && error.status !== undefined) {
        throw new FleetApiError(error.status, error.message.replace(/^\d{3}: /, ''));
      }
      throw error;
    }
  }
}

/** Reads the explanation defensively: rejections and scores as lists or as maps, verdicts derived when absent. */
export function normaliseExplanation(unit: string, body: unknown): PlacementExplanation {
  const record = (body ?? {}) as Record<string, unknown>;
  const chosenIds = new Set(
    [record.chosen, record.placedOn, record.machineId, record.machineID].flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [])),
  );
  const machines = (Array.isArray(record.machines) ? record.machines : []).flatMap((raw): MachineVerdict[] => {
    const m = (raw ?? {}) as Record<string, unknown>;
    const id = typeof m.id === 'string' ? m.id : typeof m.machineId === 'string' ? m.machineId : undefined;
    if (id === undefined) return [];
    const rejections = listOf(m.rejections ?? m.rejected, (item, key) => {
      if (typeof item === 'string') return { constraint: key ?? '-', reason: item };
      const r = (item ?? {}) as Record<string, unknown>;
      return { constraint: String(r.constraint ?? r.name ?? key ?? '-'), reason: String(r.reason ?? r.message ?? '') };
    });
    const scores = listOf(m.scores, (item, key) => {
      if (typeof item === 'number') return { constraint: key ?? '-', score: item };
      const s = (item ?? {}) as Record<string, unknown>;
      return { constraint: String(s.constraint ?? s.name ?? key ?? '-'), score: Number(s.score ?? s.value ?? 0) };
    });
    const total = typeof m.total === 'number' ? m.total : typeof m.score === 'number' ? m.score : undefined;
    return [
      {
        id,
        name: typeof m.name === 'string' ? m.name : undefined,
        accepted: typeof m.accepted === 'boolean' ? m.accepted : rejections.length === 0,
        chosen: typeof m.chosen === 'boolean' ? m.chosen : chosenIds.has(id),
        rejections,
        scores,
        total,
      },
    ];
  });
  return { unit: typeof record.unit === 'string' ? record.unit : unit, global: record.global === true, machines };
}

function listOf<T>(value: unknown, map: (item: unknown, key?: string) => T): T[] {
  if (Array.isArray(value)) return value.map((item) => map(item));
  if (value && typeof value === 'object') return Object.entries(value).map(([key, item]) => map(item, key));
  return [];
}
