import { parseUnitOptions } from '../../plugins/fleet-scheduler/unit-file/unit-options.js';

/** Talks to a node's fleet API and unit API the way a client on the network would. */
export class FleetHttp {
  constructor(readonly url: string) {}

  async submit(name: string, text: string, desiredState = 'launched'): Promise<number> {
    const response = await fetch(`${this.url}/fleet/v1/units/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, desiredState, options: parseUnitOptions(text) }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  async machines(): Promise<{ id: string; name: string; apiUrl?: string; metadata: Record<string, string[]> }[]> {
    const response = await fetch(`${this.url}/v1/fleet/machines`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET /v1/fleet/machines: ${response.status}`);
    return ((await response.json()) as { machines: [] }).machines;
  }

  /** Names of the units active (or starting) on this node, from its own supervisor. */
  async activeUnits(): Promise<string[]> {
    const response = await fetch(`${this.url}/v1/units`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET /v1/units: ${response.status}`);
    const { units } = (await response.json()) as { units: { name: string; activeState: string }[] };
    return units.filter((u) => u.activeState === 'active' || u.activeState === 'activating' || u.activeState === 'reloading').map((u) => u.name);
  }
}
