import { NodeClient, NodeClientError } from '../../../core/cli/index.js';
import type { UnitStatus } from '../../../core/index.js';
import type { UnitFileChange } from '../routes.js';
import type { ExecRecord, UnitStatusDetail } from '../unit-control.js';

/** Long enough for any start or stop job; an unreachable node still fails at once. */
const JOB_TIMEOUT_MS = 2_147_483_647;

export type UnitJob = 'start' | 'stop' | 'restart' | 'reload';

/** An error answer from /v1/units: its status and the node's message without the status prefix. */
export class UnitApiError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UnitApiError';
  }
}

/** A status or detail as JSON carries it: its dates as ISO strings. */
type Wire = Record<string, unknown>;

/** The /v1/units API as the unit commands use it; dates come back as Dates. */
export class UnitApi {
  private readonly client: NodeClient;
  private readonly jobs: NodeClient;

  constructor(endpoint: string, token?: string) {
    this.client = new NodeClient(endpoint, token);
    this.jobs = new NodeClient(endpoint, token, JOB_TIMEOUT_MS);
  }

  async list(): Promise<UnitStatus[]> {
    const { units } = await this.json<{ units: Wire[] }>(this.client, 'GET', '/v1/units');
    return units.map(statusFromWire);
  }

  async detail(name: string): Promise<UnitStatusDetail> {
    return detailFromWire(await this.json<Wire>(this.client, 'GET', unitPath(name)));
  }

  async job(verb: UnitJob, name: string): Promise<UnitStatus> {
    return statusFromWire(await this.json<Wire>(this.jobs, 'POST', unitPath(name, verb)));
  }

  async enable(name: string): Promise<UnitFileChange[]> {
    return (await this.json<{ changes: UnitFileChange[] }>(this.client, 'POST', unitPath(name, 'enable'))).changes;
  }

  async disable(name: string): Promise<UnitFileChange[]> {
    return (await this.json<{ changes: UnitFileChange[] }>(this.client, 'POST', unitPath(name, 'disable'))).changes;
  }

  async cat(name: string): Promise<{ path: string; text: string }[]> {
    return (await this.json<{ files: { path: string; text: string }[] }>(this.client, 'GET', unitPath(name, 'file'))).files;
  }

  async load(name: string, content: string): Promise<UnitStatus> {
    const init = { body: content, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    return statusFromWire(await this.json<Wire>(this.client, 'PUT', unitPath(name), init));
  }

  async resetFailed(name?: string): Promise<void> {
    await this.send(this.client, 'POST', name === undefined ? '/v1/units/reset-failed' : unitPath(name, 'reset-failed'));
  }

  async daemonReload(): Promise<void> {
    await this.send(this.jobs, 'POST', '/v1/units/daemon-reload');
  }

  /** The unit's last journal lines in journalctl's short format; none when the node keeps no journal or cannot read it. */
  async journalLines(name: string, lines: number): Promise<string[]> {
    const params = new URLSearchParams({ unit: name, lines: String(lines), output: 'short' });
    try {
      const text = await (await this.client.request('GET', `/v1/journal?${params}`)).text();
      return text.split('\n').filter((line) => line !== '');
    } catch (error) {
      if (error instanceof NodeClientError && error.status !== undefined) return [];
      throw error;
    }
  }

  private async json<T>(client: NodeClient, method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<T> {
    return (await this.send(client, method, path, init)).json() as Promise<T>;
  }

  private async send(client: NodeClient, method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<Response> {
    try {
      return await client.request(method, path, init);
    } catch (error) {
      if (error instanceof NodeClientError && error.status !== undefined) {
        // NodeClient prefixes the node's message with the status; the unit commands print it as systemctl would.
        throw new UnitApiError(error.status, error.message.replace(/^\d{3}: /, ''));
      }
      throw error;
    }
  }
}

function unitPath(name: string, action?: string): string {
  return `/v1/units/${encodeURIComponent(name)}${action ? `/${action}` : ''}`;
}

/** The same object with the named ISO string fields turned into Dates. */
function withDates<T>(wire: Wire, keys: readonly string[]): T {
  const out: Wire = { ...wire };
  for (const key of keys) {
    if (typeof out[key] === 'string') out[key] = new Date(out[key] as string);
  }
  return out as T;
}

function statusFromWire(wire: Wire): UnitStatus {
  return withDates<UnitStatus>(wire, ['since']);
}

function detailFromWire(wire: Wire): UnitStatusDetail {
  const exec = (record: Wire) => withDates<ExecRecord>(record, ['startedAt', 'exitedAt']);
  const detail = withDates<UnitStatusDetail>(wire, ['since', 'inactiveSince']);
  const mainExec = wire.mainExec as Wire | undefined;
  return { ...detail, controlExecs: ((wire.controlExecs as Wire[] | undefined) ?? []).map(exec), ...(mainExec ? { mainExec: exec(mainExec) } : {}) };
}
