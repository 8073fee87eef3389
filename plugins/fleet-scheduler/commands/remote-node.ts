import type { NodeMachine } from './fleet-api.js';

const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '[::]', '::']);

/**
 * The node API of a machine as another machine can reach it: its apiUrl, with a wildcard
 * listen address (0.0.0.0, ::) replaced by the machine's public address.
 */
export function nodeEndpointOf(machine: NodeMachine | undefined): string | undefined {
  if (!machine?.apiUrl) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(machine.apiUrl) ? machine.apiUrl : `http://${machine.apiUrl}`);
  } catch {
    return undefined;
  }
  if (UNSPECIFIED_HOSTS.has(url.hostname)) {
    if (!machine.publicIp) return undefined;
    url.hostname = machine.publicIp.includes(':') ? `[${machine.publicIp}]` : machine.publicIp;
  }
  return url.origin;
}
