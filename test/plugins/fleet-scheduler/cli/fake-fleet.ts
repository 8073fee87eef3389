import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '@oclif/core';
import { runCommand } from '@oclif/test';

export const M1 = '2c4f1e3a9b8d4f0e8a7c6b5d4e3f2a1b';
export const M2 = '5e1a7c02d3b44f6e9a8b7c6d5e4f3a2b';
export const M3 = '9f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d';

export interface Option {
  section: string;
  name: string;
  value: string;
}

export interface FakeUnit {
  name: string;
  options: Option[];
  desiredState: string;
  currentState?: string;
  machineID?: string;
}

export interface FakeState {
  name: string;
  machineID: string;
  hash?: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

export interface Recorded {
  method: string;
  url: string;
  body: string;
  contentType?: string;
}

const isGlobal = (unit: FakeUnit) => unit.options.some((o) => o.section === 'X-Fleet' && o.name === 'Global' && o.value === 'true');

/**
 * A node's fleet API v1 and the node-side endpoints the commands reach, with fleet's status codes
 * and a reconciler that applies a desired state after `lag` reads of the unit. Records every request.
 */
export class FakeFleet {
  readonly requests: Recorded[] = [];
  readonly units = new Map<string, FakeUnit>();
  readonly states = new Map<string, FakeState>();
  machines = [
    { id: M1, primaryIP: '10.0.0.1', metadata: { region: 'us', disk: 'ssd' } },
    { id: M2, primaryIP: '10.0.0.2', metadata: {} as Record<string, string> },
    { id: M3, metadata: {} as Record<string, string> },
  ];
  pageSize = 2;
  /** Reads of GET /units/{name} before a changed desired state shows. */
  lag = 0;
  /** Units whose desired state never takes effect. */
  readonly frozen = new Set<string>();
  /** Units that fail when launched. */
  readonly failing = new Set<string>();
  /** Machines that publish no apiUrl. */
  readonly hidden = new Set<string>();
  explanation: unknown;
  /** Answer a desired state other than inactive for a template as fleetd does. */
  rejectTemplates = false;
  journal = ['Nov 28 01:12:26 node-1 app[1000]: listening on :8080'];
  url = '';
  private readonly pending = new Map<string, number>();
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  reset(): void {
    this.requests.length = 0;
    this.units.clear();
    this.states.clear();
    this.pending.clear();
    this.frozen.clear();
    this.failing.clear();
    this.hidden.clear();
    this.lag = 0;
    this.explanation = undefined;
    this.rejectTemplates = false;
  }

  /** `GET /fleet/v1/units/x?alt=json`, …: the requests as a readable list. */
  log(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  addUnit(unit: Partial<FakeUnit> & { name: string }, machineID?: string): void {
    const full: FakeUnit = { options: [{ section: 'Service', name: 'ExecStart', value: '/bin/sleep 1000' }], desiredState: 'inactive', ...unit };
    this.units.set(full.name, full);
    this.reconcile(full.name, machineID);
  }

  private reconcile(name: string, machineID?: string): void {
    const unit = this.units.get(name);
    if (!unit || this.frozen.has(name)) return;
    if (isGlobal(unit)) return;
    if (unit.desiredState === 'inactive') {
      unit.currentState = 'inactive';
      delete unit.machineID;
      this.states.delete(name);
      return;
    }
    unit.machineID ??= machineID ?? M1;
    unit.currentState = unit.desiredState;
    const launched = unit.desiredState === 'launched';
    const failed = launched && this.failing.has(name);
    this.states.set(name, {
      name,
      machineID: unit.machineID,
      hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      systemdLoadState: 'loaded',
      systemdActiveState: failed ? 'failed' : launched ? 'active' : 'inactive',
      systemdSubState: failed ? 'failed' : launched ? 'running' : 'dead',
    });
  }

  private setDesired(name: string, state: string): void {
    const unit = this.units.get(name)!;
    unit.desiredState = state;
    if (this.lag === 0) this.reconcile(name);
    else this.pending.set(name, this.lag);
  }

  private entity(unit: FakeUnit, listing: boolean): Record<string, unknown> {
    const global = isGlobal(unit);
    return {
      currentState: global ? (listing ? 'inactive' : undefined) : unit.currentState,
      desiredState: unit.desiredState,
      machineID: global ? undefined : unit.machineID,
      name: unit.name,
      options: unit.options,
    };
  }

  private page<T>(items: T[], query: URLSearchParams, key: string): Record<string, unknown> {
    const page = Number((query.get('nextPageToken') ?? 'p1').slice(1));
    const body: Record<string, unknown> = {};
    const slice = items.slice((page - 1) * this.pageSize, page * this.pageSize);
    if (slice.length > 0) body[key] = slice;
    // fleet's quirk: a page that ends exactly at the total still carries a token.
    if (page * this.pageSize <= items.length) body.nextPageToken = `p${page + 1}`;
    return body;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    this.requests.push({ method: req.method!, url: req.url!, body, contentType: req.headers['content-type'] });
    const url = new URL(req.url!, this.url);
    const send = (status: number, value?: unknown) => {
      if (value === undefined) return void res.writeHead(status).end();
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    };
    const error = (status: number, message: string) => send(status, { error: { code: status, message } });
    const p = url.pathname;
    const item = (prefix: string) => (p.startsWith(prefix) ? decodeURIComponent(p.slice(prefix.length)) : undefined);

    if (p === '/fleet/v1/machines') return send(200, this.page(this.machines, url.searchParams, 'machines'));
    if (p === '/fleet/v1/units') {
      const units = [...this.units.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((u) => this.entity(u, true));
      return send(200, this.page(units, url.searchParams, 'units'));
    }
    if (p === '/fleet/v1/state') {
      const states = [...this.states.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      return send(200, this.page(states, url.searchParams, 'states'));
    }
    const stateName = item('/fleet/v1/state/');
    if (stateName !== undefined) {
      const state = this.states.get(stateName);
      return state ? send(200, state) : error(404, 'unit state does not exist');
    }
    const unitName = item('/fleet/v1/units/');
    if (unitName !== undefined) return this.unitItem(req.method!, unitName, body, req.headers['content-type'], send, error);
    if (p === '/v1/fleet/machines') {
      return send(200, {
        machines: this.machines.map((m) => ({
          id: m.id,
          name: `node-${m.id.slice(0, 2)}`,
          publicIp: m.primaryIP ?? '',
          ...(this.hidden.has(m.id) ? {} : { apiUrl: this.url }),
          metadata: Object.fromEntries(Object.entries(m.metadata).map(([k, v]) => [k, [v]])),
        })),
      });
    }
    const explained = item('/v1/fleet/explain/');
    if (explained !== undefined) return this.units.has(explained) ? send(200, this.explanation) : error(404, 'unit does not exist');
    if (p.startsWith('/v1/units/') && p.endsWith('/restart') && req.method === 'POST') return send(200, { name: decodeURIComponent(p.split('/')[3]!) });
    const remote = item('/v1/units/');
    if (remote !== undefined) {
      const state = this.states.get(remote);
      if (!state) return error(404, `Unit ${remote} not found.`);
      return send(200, {
        name: remote,
        description: 'The app',
        loadState: state.systemdLoadState,
        activeState: state.systemdActiveState,
        subState: state.systemdSubState,
        fragmentPath: `/run/flotilla/units/${remote}`,
        unitFileState: 'static',
        mainPid: 1000,
        since: new Date(Date.now() - 90_000).toISOString(),
        dropInPaths: [],
        controlExecs: [],
      });
    }
    if (p === '/v1/journal') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      for (const line of this.journal) res.write(`${line}\n`);
      return void res.end();
    }
    error(404, 'not found');
  }

  private unitItem(
    method: string,
    name: string,
    body: string,
    contentType: string | undefined,
    send: (status: number, value?: unknown) => void,
    error: (status: number, message: string) => void,
  ): void {
    const unit = this.units.get(name);
    if (method === 'GET') {
      if (!unit) return error(404, 'unit does not exist');
      const left = this.pending.get(name);
      if (left !== undefined) {
        if (left <= 1) {
          this.pending.delete(name);
          this.reconcile(name);
        } else this.pending.set(name, left - 1);
      }
      return send(200, this.entity(unit, false));
    }
    if (method === 'DELETE') {
      if (!unit) return error(404, 'unit does not exist');
      this.units.delete(name);
      this.states.delete(name);
      return send(204);
    }
    if (method !== 'PUT') return error(405, 'only GET, PUT and DELETE supported against this resource');
    if (!contentType?.startsWith('application/json')) return error(415, 'unsupported content type');
    const request = JSON.parse(body) as { name?: string; options?: Option[]; desiredState?: string };
    if (request.name && request.name !== name) return error(400, `name in URL "${name}" differs from unit name in request body "${request.name}"`);
    const options = request.options ?? [];
    if (!unit) {
      if (options.length === 0) return error(409, 'unit does not exist and options field empty');
      this.units.set(name, { name, options, desiredState: request.desiredState ?? 'inactive' });
      this.reconcile(name);
      return send(201);
    }
    if (options.length > 0 && JSON.stringify(options) !== JSON.stringify(unit.options)) {
      this.units.set(name, { name, options, desiredState: request.desiredState ?? 'inactive' });
      this.states.delete(name);
      this.reconcile(name);
      return send(201);
    }
    if (!request.desiredState) return error(409, 'must provide DesiredState to update existing unit');
    if (this.rejectTemplates && name.includes('@.') && request.desiredState !== 'inactive') return error(400, `cannot activate template "${name}"`);
    this.setDesired(name, request.desiredState);
    send(204);
  }
}

const root = path.resolve(import.meta.dirname, '../../../..');
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// The fleet command set alone, from the sources, so the suite needs neither a build nor the plugin's registration.
pjson.oclif.commands = { strategy: 'explicit', target: './test/plugins/fleet-scheduler/cli/command-registry.ts', identifier: 'COMMANDS' };

/** Runs `flotilla fleet ARGS --endpoint ENDPOINT` in this process; `code` is the exit code. */
export async function fleet(endpoint: string, ...args: string[]) {
  settings.enableAutoTranspile = false;
  const result = await runCommand(['fleet', ...args, '--endpoint', endpoint], { root, pjson });
  return { ...result, code: result.error ? (result.error.oclif?.exit ?? 1) : 0 };
}
