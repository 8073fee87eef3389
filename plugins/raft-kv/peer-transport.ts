import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http, { type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/index.js';
import { FrameReader, encodeFrame } from './peer-frames.js';
import type { Message, NodeId } from './raft/types.js';

const TOKEN_HEADER = 'x-flotilla-cluster-token';
const CLUSTER_HEADER = 'x-flotilla-cluster-id';
const FROM_HEADER = 'x-flotilla-from';
const SNAPSHOT_META_HEADER = 'x-raft-snapshot-message';
/** Largest snapshot accepted. */
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024 * 1024;
const SNAPSHOT_CHUNK_BYTES = 256 * 1024;
const SNAPSHOT_TIMEOUT_MS = 60_000;
/** Bytes queued on a stream to a peer that does not keep up, past which messages are dropped. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

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

export interface ClusterInfo {
  clusterId: string;
  members: { id: NodeId; peerURLs: string[] }[];
}

export interface PeerTransportHandler {
  /** Messages from a peer, in the order they were sent. */
  receive(messages: Message[]): void;
  unreachable(peer: NodeId): void;
  snapshotSent(peer: NodeId, ok: boolean): void;
  /** What a member joining the cluster is told (it knows the token, not yet the cluster id). */
  clusterInfo(): ClusterInfo;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Raft messages between members. Each member keeps one long-lived HTTP/1.1 request open to each
 * peer and writes length-prefixed batches into its body, so a batch costs one socket write, not
 * a request and a response; snapshots go on requests of their own, streamed in chunks. Every
 * request carries the cluster token and cluster id; others are refused.
 */
export class PeerTransport {
  private server?: Server;
  private readonly peers = new Map<NodeId, PeerStream>();
  private readonly token: Buffer;
  private handler?: PeerTransportHandler;
  /** When the last heartbeat to each peer left, to time its answer. */
  private readonly heartbeatSent = new Map<NodeId, number>();
  /**
   * While set, every message to or from a peer is dropped, as a network partition would: the
   * member stays up but hears no one and no one hears it (fault-injection for cluster tests).
   */
  blackholed = false;
  /** Append messages sent and received, for /v2/stats/self. */
  readonly counters = { appendsSent: 0, appendsReceived: 0 };

  private readonly options: PeerTransportOptions;

  constructor(options: PeerTransportOptions) {
    this.options = { ...options };
    this.token = digest(options.clusterToken);
  }

  async listen(handler: PeerTransportHandler): Promise<AddressInfo> {
    this.handler = handler;
    const server = http.createServer((req, res) => this.serve(req, res));
    // Streams live as long as both members do.
    server.requestTimeout = 0;
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

  /** A joining member's identity, once the cluster told it. */
  setIdentity(memberId: NodeId, clusterId: string): void {
    this.options.memberId = memberId;
    this.options.clusterId = clusterId;
  }

  /** Asks a running member for the cluster's id and members (token-authenticated). */
  async fetchClusterInfo(peerUrl: string): Promise<ClusterInfo> {
    const response = await fetch(new URL('/raft/cluster', peerUrl), {
      headers: { [TOKEN_HEADER]: this.options.clusterToken },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`${peerUrl} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as ClusterInfo;
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

  peerStats(): Map<NodeId, PeerStats> {
    return new Map([...this.peers].map(([id, stream]) => [id, stream.stats()]));
  }

  send(messages: readonly Message[]): void {
    if (this.blackholed) return;
    const batches = new Map<NodeId, Message[]>();
    for (const message of messages) {
      if (message.type === 'app') this.counters.appendsSent++;
      if (message.type === 'heartbeat') this.heartbeatSent.set(message.to, performance.now());
      const peer = this.peers.get(message.to);
      if (!peer) {
        this.handler?.unreachable(message.to);
        continue;
      }
      if (message.type === 'snap' && message.snapshot) {
        void peer.sendSnapshot(message);
        continue;
      }
      const batch = batches.get(message.to);
      if (batch) batch.push(message);
      else batches.set(message.to, [message]);
    }
    for (const [id, batch] of batches) this.peers.get(id)!.write(batch);
  }

  async close(): Promise<void> {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** @internal used by PeerStream: a POST to a peer with the cluster's credentials. */
  openRequest(url: URL, headers: Record<string, string>, options: { timeoutMs?: number } = {}): ClientRequest {
    return http.request(url, {
      method: 'POST',
      agent: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      headers: {
        ...headers,
        [TOKEN_HEADER]: this.options.clusterToken,
        [CLUSTER_HEADER]: this.options.clusterId,
        [FROM_HEADER]: this.options.memberId,
      },
    });
  }

  /** @internal */
  get callbacks(): PeerTransportHandler | undefined {
    return this.handler;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, text = '') => {
      res.statusCode = status;
      res.end(text);
    };
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), this.token)) return reply(401, 'bad cluster token');
    if (req.method === 'GET' && req.url === '/raft/cluster') {
      res.setHeader('content-type', 'application/json');
      return reply(200, JSON.stringify(this.handler?.clusterInfo() ?? { clusterId: this.options.clusterId, members: [] }));
    }
    if (req.headers[CLUSTER_HEADER] !== this.options.clusterId) return reply(412, 'cluster id mismatch');
    if (req.method !== 'POST') return reply(405);
    const from = String(req.headers[FROM_HEADER] ?? '');
    if (req.url === '/raft/stream') return this.serveStream(req, res, from);
    if (req.url === '/raft/snapshot') return void this.serveSnapshot(req, res, from);
    reply(404);
  }

  private serveStream(req: IncomingMessage, res: ServerResponse, from: string): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    const reader = new FrameReader();
    req.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        this.options.log.warn({ err: error, from }, 'bad peer stream; closing it');
        req.destroy();
        return;
      }
      for (const frame of frames) {
        let messages: Message[];
        try {
          messages = JSON.parse(frame.toString('utf8')) as Message[];
        } catch (error) {
          this.options.log.warn({ err: error, from }, 'unreadable frame on a peer stream; closing it');
          req.destroy();
          return;
        }
        this.deliver(messages);
      }
    });
    req.on('end', () => res.end());
    req.on('error', () => res.destroy());
  }

  private async serveSnapshot(req: IncomingMessage, res: ServerResponse, from: string): Promise<void> {
    try {
      const meta = JSON.parse(Buffer.from(String(req.headers[SNAPSHOT_META_HEADER] ?? ''), 'base64').toString('utf8')) as Message;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_SNAPSHOT_BYTES) throw new Error(`snapshot over ${MAX_SNAPSHOT_BYTES} bytes`);
        chunks.push(chunk as Buffer);
      }
      res.statusCode = 204;
      res.end();
      this.deliver([{ ...meta, snapshot: { meta: meta.snapshot!.meta, data: new Uint8Array(Buffer.concat(chunks)) } }]);
    } catch (error) {
      this.options.log.warn({ err: error, from }, 'bad snapshot from a peer');
      if (!res.headersSent) {
        res.statusCode = 400;
        res.end((error as Error).message);
      }
    }
  }

  private deliver(messages: Message[]): void {
    for (const message of messages) {
      if (message.type === 'app') this.counters.appendsReceived++;
      if (message.type === 'heartbeatResp') {
        const sent = this.heartbeatSent.get(message.from);
        if (sent !== undefined) this.peers.get(message.from)?.recordLatency(performance.now() - sent);
      }
    }
    if (!this.blackholed) this.handler?.receive(messages);
  }
}

/** The stream of batches to one peer, reopened whenever it breaks. */
class PeerStream {
  private stream?: ClientRequest;
  private closed = false;
  private readonly counts = { success: 0, fail: 0 };
  private readonly latency = { current: 0, sum: 0, samples: 0, sumSquares: 0, minimum: Infinity, maximum: 0 };

  constructor(
    readonly id: NodeId,
    readonly url: string,
    private readonly transport: PeerTransport,
  ) {}

  write(batch: Message[]): void {
    if (this.closed) return;
    const stream = this.stream ?? this.open();
    if (stream.writableLength > MAX_BUFFERED_BYTES) {
      this.counts.fail++;
      this.transport.callbacks?.unreachable(this.id);
      return;
    }
    stream.write(encodeFrame(Buffer.from(JSON.stringify(batch))));
    this.counts.success++;
  }

  close(): void {
    this.closed = true;
    this.stream?.destroy();
    this.stream = undefined;
  }

  stats(): PeerStats {
    const { samples, sum, sumSquares } = this.latency;
    const average = samples > 0 ? sum / samples : 0;
    return {
      counts: { ...this.counts },
      latency: {
        current: this.latency.current,
        average,
        standardDeviation: samples > 0 ? Math.sqrt(Math.max(0, sumSquares / samples - average * average)) : 0,
        minimum: samples > 0 ? this.latency.minimum : 0,
        maximum: this.latency.maximum,
      },
    };
  }

  recordLatency(ms: number): void {
    const l = this.latency;
    l.current = ms;
    l.samples++;
    l.sum += ms;
    l.sumSquares += ms * ms;
    l.minimum = Math.min(l.minimum, ms);
    l.maximum = Math.max(l.maximum, ms);
  }

  async sendSnapshot(message: Message): Promise<void> {
    const { data, meta } = message.snapshot!;
    const request = this.transport.openRequest(
      new URL('/raft/snapshot', this.url),
      {
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        [SNAPSHOT_META_HEADER]: Buffer.from(JSON.stringify({ ...message, snapshot: { meta } })).toString('base64'),
      },
      { timeoutMs: SNAPSHOT_TIMEOUT_MS },
    );
    const answered = new Promise<boolean>((resolve) => {
      request.on('response', (res) => {
        res.resume();
        resolve(res.statusCode === 204);
      });
      request.on('timeout', () => request.destroy(new Error('snapshot transfer timed out')));
      request.on('error', () => resolve(false));
    });
    try {
      for (let offset = 0; offset < data.length; offset += SNAPSHOT_CHUNK_BYTES) {
        const chunk = Buffer.from(data.buffer, data.byteOffset + offset, Math.min(SNAPSHOT_CHUNK_BYTES, data.length - offset));
        if (!request.write(chunk)) await Promise.race([once(request, 'drain'), once(request, 'close')]);
      }
      request.end();
    } catch {
      request.destroy();
    }
    const ok = await answered;
    if (!this.closed) this.transport.callbacks?.snapshotSent(this.id, ok);
  }

  private open(): ClientRequest {
    const stream = this.transport.openRequest(new URL('/raft/stream', this.url), { 'content-type': 'application/octet-stream' });
    stream.setNoDelay(true);
    stream.flushHeaders();
    const broken = () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.counts.fail++;
      if (!this.closed) this.transport.callbacks?.unreachable(this.id);
    };
    stream.on('response', (res) => {
      if (res.statusCode !== 200) stream.destroy(new Error(`peer answered ${res.statusCode}`));
      res.resume();
      res.on('end', broken);
    });
    stream.on('error', broken);
    stream.on('close', broken);
    this.stream = stream;
    return stream;
  }
}
