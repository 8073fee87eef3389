import { ContainerSpecError, type PortBinding } from './container-spec.js';

const PROTOCOLS = new Set<PortBinding['protocol']>(['tcp', 'udp', 'sctp']);

/**
 * `-p`/`PublishPort=`: `[ip:][hostPort:]containerPort[/proto]`, an IPv6 address in brackets
 * (`[::1]:8080:80`). An empty host port (`127.0.0.1::80`) lets the engine pick one.
 */
export function parsePortBinding(text: string): PortBinding {
  const invalid = (why: string) => new ContainerSpecError(`invalid port publication '${text}': ${why}; expected [ip:][hostPort:]containerPort[/tcp|udp|sctp]`);

  const slash = text.lastIndexOf('/');
  const protocol = (slash < 0 ? 'tcp' : text.slice(slash + 1).toLowerCase()) as PortBinding['protocol'];
  if (!PROTOCOLS.has(protocol)) throw invalid(`unknown protocol '${text.slice(slash + 1)}'`);
  const addressAndPorts = slash < 0 ? text : text.slice(0, slash);

  const lastColon = addressAndPorts.lastIndexOf(':');
  const containerPort = port(addressAndPorts.slice(lastColon + 1), 'container port', invalid);
  if (containerPort === undefined) throw invalid('no container port');
  if (lastColon < 0) return { containerPort, protocol };

  const hostPart = addressAndPorts.slice(0, lastColon);
  const hostColon = hostPart.lastIndexOf(':');
  const hostPort = port(hostPart.slice(hostColon + 1), 'host port', invalid);
  if (hostColon < 0) return hostPort === undefined ? { containerPort, protocol } : { containerPort, protocol, hostPort };

  const hostIp = hostPart.slice(0, hostColon).replace(/^\[(.*)\]$/, '$1');
  if (hostIp === '') throw invalid('empty host address');
  return hostPort === undefined ? { containerPort, protocol, hostIp } : { containerPort, protocol, hostIp, hostPort };
}

function port(text: string, what: string, invalid: (why: string) => ContainerSpecError): number | undefined {
  if (text === '') return undefined;
  if (/^\d+-\d+$/.test(text)) throw invalid(`${what} ranges are not supported`);
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= 65535)) throw invalid(`${what} '${text}' is not a number from 1 to 65535`);
  return value;
}
