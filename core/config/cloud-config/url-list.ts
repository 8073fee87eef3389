import type { ConfigPath } from '../config-error.js';
import { stringAt } from './document-keys.js';
import type { Translation } from './translation.js';

/**
 * The first URL of an etcd URL list ("http://a:2380,http://b:2380"). Flotilla listens on and
 * advertises one address per role, so the others are not used (docs/config.md says so).
 */
export function firstUrl(t: Translation, value: unknown, at: ConfigPath): string | undefined {
  const text = stringAt(t, value, at);
  if (text === undefined) return undefined;
  const first = text.split(',').map((part) => part.trim()).find(Boolean);
  if (first === undefined) t.problem(at, 'must hold at least one URL');
  return first;
}

/** The host and port an `http://host:port` listen URL names. */
export function listenAddress(t: Translation, value: unknown, at: ConfigPath): { address: string; port: number } | undefined {
  const url = firstUrl(t, value, at);
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    t.problem(at, `"${url}" is not a URL (a listen URL looks like http://127.0.0.1:2379)`);
    return undefined;
  }
  if (parsed.protocol !== 'http:') {
    t.problem(at, `not supported by Flotilla: ${parsed.protocol.replace(/:$/, '')} listeners; Flotilla serves plain http://`);
    return undefined;
  }
  if (parsed.port === '') {
    t.problem(at, `"${url}" names no port (a listen URL looks like http://127.0.0.1:2379)`);
    return undefined;
  }
  return { address: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) };
}

/** `host:port` as etcd 0.4 wrote addresses, as a URL. */
export function hostPortUrl(t: Translation, value: unknown, at: ConfigPath): string | undefined {
  const text = stringAt(t, value, at);
  if (text === undefined) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
}
