import type { ClusterDiscovery, DiscoveringMember, FoundingMember, Logger } from '../../core/index.js';
import { DiscoveryError } from './discovery-errors.js';

interface V2Node {
  key: string;
  value?: string;
  createdIndex: number;
  modifiedIndex: number;
  dir?: boolean;
  nodes?: V2Node[];
}

interface V2Answer {
  status: number;
  index: number;
  body: { node?: V2Node; errorCode?: number; message?: string } | undefined;
}

const MAX_BACKOFF_MS = 32_000;

/**
 * etcd's v2 discovery protocol as a client, request for request as etcd 3.4 sends it: read the
 * size, list the registrations, register with prevExist=false, read the registration back, then
 * wait with a recursive watch until `size` members are known. The founders are the first `size`
 * registrations by creation index. Works against a Flotilla node's discovery service and against
 * any etcd v2 endpoint used as one.
 */
export class DiscoveryClient implements ClusterDiscovery {
  constructor(private readonly log: Logger) {}

  async discover(url: string, member: DiscoveringMember, signal: AbortSignal): Promise<FoundingMember[]> {
    const path = new URL(url);
    const base = `${path.origin}${path.pathname.replace(/\/+$/, '')}`;
    const self = registrationValue(member);

    let size = await this.size(base, signal);
    let listing = await this.list(base, signal);
    this.checkRoom(listing.nodes, size, member.id, url);
    const created = await this.register(base, member.id, self, url, signal);
    await this.get(`${base}/${member.id}?recursive=false&wait=true&waitIndex=${created}`, signal);
    this.log.info({ url, member: member.name }, 'registered at the discovery URL; waiting for the other founding members');

    size = await this.size(base, signal);
    listing = await this.list(base, signal);
    this.checkRoom(listing.nodes, size, member.id, url);
    const known = new Map(listing.nodes.map((node) => [node.key, node]));
    let waitIndex = listing.index + 1;
    while (known.size < size) {
      const answer = await this.get(`${base}?recursive=true&wait=true&waitIndex=${waitIndex}`, signal);
      const node = answer.body?.node;
      if (!node) continue;
      waitIndex = node.modifiedIndex + 1;
      if (isRegistration(base, node) && node.value !== undefined) known.set(node.key, node);
    }
    const founders = [...known.values()].sort((a, b) => a.createdIndex - b.createdIndex).slice(0, size);
    if (!founders.some((node) => leaf(node.key) === member.id)) throw full(url, size);
    return toFounders(founders, url);
  }

  private async size(base: string, signal: AbortSignal): Promise<number> {
    const answer = await this.get(`${base}/_config/size?quorum=false&recursive=false&sorted=false`, signal);
    if (answer.status === 401 || answer.status === 403) {
      throw new DiscoveryError('bad-endpoint', `discovery: ${base} refused the request (${answer.status}): serve discovery from a node whose API needs no token, or on loopback`);
    }
    if (answer.status === 404) throw new DiscoveryError('size-not-found', `discovery: size key not found at ${base} (no such token; make one with flotilla discovery new)`);
    const size = Number(answer.body?.node?.value);
    if (!Number.isInteger(size) || size < 1) throw new DiscoveryError('bad-size', `discovery: size key is bad at ${base}: ${JSON.stringify(answer.body?.node?.value)}`);
    return size;
  }

  private async list(base: string, signal: AbortSignal): Promise<{ nodes: V2Node[]; index: number }> {
    const answer = await this.get(`${base}?quorum=false&recursive=false&sorted=false`, signal);
    const nodes = (answer.body?.node?.nodes ?? []).filter((node) => isRegistration(base, node));
    return { nodes: nodes.sort((a, b) => a.createdIndex - b.createdIndex), index: answer.index };
  }

  /** Full: `size` others registered first, so this member would never be among the founders. */
  private checkRoom(nodes: V2Node[], size: number, id: string, url: string): void {
    const first = nodes.slice(0, size);
    if (first.length >= size && !first.some((node) => leaf(node.key) === id)) throw full(url, size);
  }

  private async register(base: string, id: string, value: string, url: string, signal: AbortSignal): Promise<number> {
    const answer = await this.request(`${base}/${id}?prevExist=false`, signal, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `value=${encodeURIComponent(value)}`,
    });
    if (answer.status === 412 && answer.body?.errorCode === 105) {
      throw new DiscoveryError(
        'duplicate-id',
        `discovery: this member (${id}) has previously registered at ${url}; a member that lost its data dir cannot found the cluster again ` +
          '(restore its data dir, or add it to the running cluster with flotilla member add)',
      );
    }
    if (answer.status !== 201 || !answer.body?.node) throw new DiscoveryError('bad-endpoint', `discovery: registering at ${url} answered ${answer.status}`);
    return answer.body.node.createdIndex;
  }

  private get(url: string, signal: AbortSignal): Promise<V2Answer> {
    return this.request(url, signal, { method: 'GET' });
  }

  /** One request, retried with exponential backoff while the endpoint is unreachable or answers 5xx (as etcd does). */
  private async request(url: string, signal: AbortSignal, init: RequestInit): Promise<V2Answer> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new DiscoveryError('aborted', `discovery: gave up waiting at ${new URL(url).origin}: ${String(signal.reason ?? 'stopped')}`);
      let problem: string;
      try {
        const response = await fetch(url, { ...init, signal });
        const text = await response.text();
        if (response.status < 500) {
          let body: V2Answer['body'];
          try {
            body = text === '' ? undefined : (JSON.parse(text) as V2Answer['body']);
          } catch {
            throw new DiscoveryError('bad-endpoint', `discovery: bad discovery endpoint ${new URL(url).origin}: it answered ${response.status} with a body that is not JSON`);
          }
          return { status: response.status, index: Number(response.headers.get('x-etcd-index') ?? 0), body };
        }
        problem = `answered ${response.status}`;
      } catch (error) {
        if (error instanceof DiscoveryError) throw error;
        if (signal.aborted) continue;
        problem = (error as Error).message;
      }
      const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
      this.log.warn({ url: new URL(url).origin, problem, retryInMs: wait }, 'discovery endpoint not usable; retrying');
      await sleep(wait, signal);
    }
  }
}

/** `name=url1,name=url2`: etcd's registration value. */
function registrationValue(member: DiscoveringMember): string {
  return member.peerUrls.map((url) => `${member.name}=${url}`).join(',');
}

function toFounders(nodes: V2Node[], url: string): FoundingMember[] {
  const founders = nodes.map((node) => {
    const pairs = (node.value ?? '').split(',').map((pair) => pair.split('='));
    const name = pairs[0]?.[0] ?? '';
    return { name, peerUrls: pairs.map((pair) => pair.slice(1).join('=')).filter((u) => u !== '') };
  });
  const names = founders.map((f) => f.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new DiscoveryError('duplicate-name', `discovery: two founding members at ${url} are named ${twice}; give each node its own name`);
  return founders;
}

function full(url: string, size: number): DiscoveryError {
  return new DiscoveryError(
    'cluster-full',
    `discovery: cluster is full: ${url} already has its ${size} founding members; add this node to the running cluster with flotilla member add instead`,
  );
}

const leaf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** A member's registration: a direct child of the token, not `_config` or anything deeper. */
function isRegistration(base: string, node: V2Node): boolean {
  // Compared by the token alone: a rewriting service (discovery.etcd.io/<token>) keeps keys elsewhere than its URL path.
  const token = leaf(new URL(base).pathname);
  const parent = node.key.slice(0, node.key.lastIndexOf('/'));
  return !node.dir && leaf(parent) === token && !leaf(node.key).startsWith('_');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
