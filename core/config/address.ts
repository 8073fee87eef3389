import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 (and its IPv4-mapped form) and "localhost". */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1' || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(host)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

/** A host literal a listener can bind: an IP address or "localhost". */
export function isBindableHost(address: string): boolean {
  return address === 'localhost' || isIP(address) !== 0;
}
