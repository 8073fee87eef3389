/** Where the engine listens, as dockerode takes it, with the address written out for messages. */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; protocol: 'http' | 'https'; host: string; port: number; display: string };

export const DEFAULT_ENGINE_HOST = 'unix:///var/run/docker.sock';

/** The engine address this node uses: the configured one, else DOCKER_HOST, else the standard socket. */
export function configuredHost(host: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return host ?? (env.DOCKER_HOST || DEFAULT_ENGINE_HOST);
}

/**
 * Reads an engine address as docker's -H and DOCKER_HOST take it: `unix:///path` (or a bare
 * absolute socket path), `tcp://host:port`, `http://…`, `https://…`, or `host:port`. TLS (from the
 * scheme or from client certificate files) makes a TCP address use HTTPS, on 2376 by default.
 * Throws with what is wrong and what would do.
 */
export function parseEngineHost(host: string, tls = false): EngineAddress {
  const text = host.trim();
  if (text === '') throw new TypeError('the Docker engine address is empty');
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, display: `unix://${text}` };
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new TypeError(`${host}: a unix socket address needs an absolute path (unix:///var/run/docker.sock)`);
    return { kind: 'unix', socketPath, display: text };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && !['tcp', 'http', 'https'].includes(scheme)) {
    throw new TypeError(`${host}: ${scheme}:// engine addresses are not supported; use unix://, tcp://, http:// or https://`);
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `tcp://${text}` : text);
  } catch {
    throw new TypeError(`${host} is not an engine address (use unix:///var/run/docker.sock or tcp://host:2375)`);
  }
  if (url.hostname === '') throw new TypeError(`${host}: the address names no host (tcp://host:2375)`);
  if (url.pathname !== '' && url.pathname !== '/') throw new TypeError(`${host}: an engine address takes no path`);
  const protocol = scheme === 'https' || tls ? 'https' : 'http';
  const port = url.port === '' ? (protocol === 'https' ? 2376 : 2375) : Number(url.port);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const shown = hostname.includes(':') ? `[${hostname}]` : hostname;
  return { kind: 'tcp', protocol, host: hostname, port, display: `${scheme === 'https' || scheme === 'http' ? scheme : 'tcp'}://${shown}:${port}` };
}
