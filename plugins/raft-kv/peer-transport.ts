import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/index.js';
import type { Message, NodeId } from './raft/types.js';

const TOKEN_HEADER = 'x-flotilla-cluster-token';
const CLUSTER_HEADER = 'x-flotilla-cluster-id';
const FROM_HEADER = 'x-flotilla-from';
const SNAPSHOT_META_HEADER = 'x-raft-snapshot-message';
/** Largest batch of messages accepted in one request. */
const MAX_MESSAGES_BYTES = 64 * 1024 * 1024;
/** Largest snapshot accepted. */
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024 * 1024;
const SNAPSHOT_CHUNK_BYTES = 256 * 1024;
const REQUEST_TIMEOUT_MS = 5000;

export interface PeerTransportOptions {
  memberId: NodeId;
  clusterId: string;
  clusterToken: string;
  address: string;
  port: number;
  log: Logger;
}

/** Per-peer figures for /v2/stats/leader, as etcd reports them (milliseconds). */
export interface PeerStats {
  counts: { success: number; fail: number };
  latency: { current: number; average: number; standardDeviation: number; minimum: number; maximum: number };
}

export interface PeerTransportHandler {
  /** Messages from a peer, in the order they were sent. */
  receive(messages: Message[]): void;
  unreachable(peer: NodeId): void;
  snapshotSent(peer: NodeId, ok: boolean): void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Raft messages between members over HTTP/1.1 keep-alive: one POST per batch and peer, at most
 * one in flight per peer so batches stay in order, snapshots streamed in chunks on a request of
 * their own. Every request carries the cluster token and cluster id; others are refused.
 */
export class PeerTransport {
  private server?: Server;
  private readonly peers = new Map<NodeId, PeerStream>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly token: Buffer;
  private handler?: PeerTransportHandler;

  constructor(private readonly options: PeerTransportOptions) {
    this.token = digest(options.clusterToken);
  }

  async listen(handler: PeerTransportHandler): Promise<AddressInfo> {
    this.handler = handler;
    const server = http.createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 60_000;
    server.listen({ host: this.options.address, port: this.options.port });
    try {
      await once(server, 'listening');
    } catch (error) {
      throw new Error(`cannot listen for peers on ${this.options.address}:${this.options.port}: ${(error as Error).message}`, { cause: error });
    }
    this.server = server;
    return server.address() as AddressInfo;
  }

  /** Points each member id at its peer URL; members gone from the map are dropped. */
  setPeers(urls: ReadonlyMap<NodeId, string>): void {
    for (const [id, url] of urls) {
      if (id === this.options.memberId) continue;
      const existing = this.peers.get(id);
      if (existing?.url === url) continue;
      existing?.close();
      this.peers.set(id, new PeerStream(id, url, this));
    }
    for (const [id, stream] of this.peers) {
      if (!urls.has(id)) {
        stream.close();
        this.peers.delete(id);
      }
    }
  }

  /** Append messages sent and received, for /v2/stats/self. */
  readonly counters = { appendsSent: 0, appendsReceived: 0 };

  peerStats(): Map<NodeId, PeerStats> {
    return new Map([...this.peers].map(([id, stream]) => [id, stream.stats()]));
  }

  send(messages: readonly Message[]): void {
    for (const message of messages) {
      if (message.type === 'app') this.counters.appendsSent++;
      const peer = this.peers.get(message.to);
      if (!peer) {
        this.handler?.unreachable(message.to);
        continue;
      }
      peer.enqueue(message);
    }
  }

  async close(): Promise<void> {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.agent.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** @internal used by PeerStream */
  request(url: URL, headers: Record<string, string>, body: Buffer | AsyncIterable<Buffer>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        agent: this.agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          ...headers,
          [TOKEN_HEADER]: this.options.clusterToken,
          [CLUSTER_HEADER]: this.options.clusterId,
          [FROM_HEADER]: this.options.memberId,
        },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('peer request timed out')));
      req.on('error', reject);
      if (Buffer.isBuffer(body)) {
        req.end(body);
        return;
      }
      void (async () => {
        try {
          for await (const chunk of body) if (!req.write(chunk)) await once(req, 'drain');
          req.end();
        } catch (error) {
          req.destroy(error as Error);
        }
      })();
    });
  }

  /** @internal */
  get callbacks(): PeerTransportHandler | undefined {
    return this.handler;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, text = '') => {
      res.statusCode = status;
      res.end(text);
    };
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), this.token)) return reply(401, 'bad cluster token');
    if (req.headers[CLUSTER_HEADER] !== this.options.clusterId) return reply(412, 'cluster id mismatch');
    if (req.method !== 'POST') return reply(405);
    try {
      if (req.url === '/raft/messages') {
        const body = await readBody(req, MAX_MESSAGES_BYTES);
        const messages = JSON.parse(body.toString('utf8')) as Message[];
        for (const message of messages) if (message.type === 'app') this.counters.appendsReceived++;
        reply(204);
        this.handler?.receive(messages);
        return;
      }
      if (req.url === '/raft/snapshot') {
        const meta = JSON.parse(Buffer.from(String(req.headers[SNAPSHOT_META_HEADER] ?? ''), 'base64').toString('utf8')) as Message;
        const data = await readBody(req, MAX_SNAPSHOT_BYTES);
        reply(204);
        this.handler?.receive([{ ...meta, snapshot: { meta: meta.snapshot!.meta, data: new Uint8Array(data) } }]);
        return;
      }
      reply(404);
    } catch (error) {
      this.options.log.warn({ err: error, from: req.headers[FROM_HEADER] }, 'bad peer request');
      if (!res.headersSent) reply(400, (error as Error).message);
    }
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`peer request over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The ordered stream of batches to one peer. */
class PeerStream {
  private queue: Message[] = [];
  private sending = false;
  private closed = false;
  private readonly counts = { success: 0, fail: 0 };
  private readonly latency = { current: 0, sum: 0, sumSquares: 0, minimum: Infinity, maximum: 0 };

  constructor(
    readonly id: NodeId,
    readonly url: string,
    private readonly transport: PeerTransport,
  ) {}

  enqueue(message: Message): void {
    if (this.closed) return;
    if (message.type === 'snap' && message.snapshot) {
      void this.sendSnapshot(message);
      return;
    }
    this.queue.push(message);
    if (!this.sending) void this.flush();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }

  stats(): PeerStats {
    const { success, fail } = this.counts;
    const average = success > 0 ? this.latency.sum / success : 0;
    const variance = success > 0 ? Math.max(0, this.latency.sumSquares / success - average * average) : 0;
    return {
      counts: { success, fail },
      latency: {
        current: this.latency.current,
        average,
        standardDeviation: Math.sqrt(variance),
        minimum: success > 0 ? this.latency.minimum : 0,
        maximum: this.latency.maximum,
      },
    };
  }

  private record(ok: boolean, ms: number): void {
    if (!ok) {
      this.counts.fail++;
      return;
    }
    this.counts.success++;
    const l = this.latency;
    l.current = ms;
    l.sum += ms;
    l.sumSquares += ms * ms;
    l.minimum = Math.min(l.minimum, ms);
    l.maximum = Math.max(l.maximum, ms);
  }

  private async flush(): Promise<void> {
    this.sending = true;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue;
      this.queue = [];
      const started = performance.now();
      try {
        const status = await this.transport.request(new URL('/raft/messages', this.url), { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(batch)));
        if (status !== 204) throw new Error(`peer answered ${status}`);
        this.record(true, performance.now() - started);
      } catch {
        this.record(false, 0);
        if (!this.closed) this.transport.callbacks?.unreachable(this.id);
      }
    }
    this.sending = false;
  }

  private async sendSnapshot(message: Message): Promise<void> {
    const { data, meta } = message.snapshot!;
    const header = Buffer.from(JSON.stringify({ ...message, snapshot: { meta } })).toString('base64');
    async function* chunks(): AsyncIterable<Buffer> {
      for (let offset = 0; offset < data.length; offset += SNAPSHOT_CHUNK_BYTES) {
        yield Buffer.from(data.buffer, data.byteOffset + offset, Math.min(SNAPSHOT_CHUNK_BYTES, data.length - offset));
      }
    }
    let ok = false;
    try {
      const status = await this.transport.request(
        new URL('/raft/snapshot', this.url),
        { 'content-type': 'application/octet-stream', [SNAPSHOT_META_HEADER]: header, 'content-length': String(data.length) },
        chunks(),
      );
      ok = status === 204;
    } catch {
      ok = false;
    }
    if (!this.closed) this.transport.callbacks?.snapshotSent(this.id, ok);
  }
}
