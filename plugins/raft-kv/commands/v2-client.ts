import http from 'node:http';
import https from 'node:https';
import { NodeClientError, normalizeEndpoint } from '../../../core/cli/index.js';

/** A node as etcd's v2 API returns it. */
export interface V2Node {
  key?: string;
  value?: string;
  dir?: boolean;
  expiration?: string;
  ttl?: number;
  nodes?: V2Node[];
  modifiedIndex?: number;
  createdIndex?: number;
}

export interface V2Response {
  action: string;
  node: V2Node;
  prevNode?: V2Node;
}

/** A /v2/keys answer with the X-Etcd-Index it came with. */
export interface KeysAnswer {
  status: number;
  index: number;
  body: V2Response;
}

export interface V2Member {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner?: boolean;
}

/** An etcd error body: `{"errorCode":100,"message":"Key not found","cause":"/a","index":7}`. */
export class EtcdError extends Error {
  constructor(
    readonly errorCode: number,
    readonly etcdMessage: string,
    readonly detail: string | undefined,
    readonly index: number,
  ) {
    super(`${errorCode}: ${etcdMessage} (${detail ?? ''}) [${index}]`);
    this.name = 'EtcdError';
  }

  toJSON(): Record<string, unknown> {
    return { errorCode: this.errorCode, message: this.etcdMessage, cause: this.detail ?? '', index: this.index };
  }
}

/** A /v2/members error: `{"message":"..."}`, printed as its message the way etcdctl does. */
export class MembersError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'MembersError';
  }
}

export interface KeysRequest {
  query?: Record<string, string>;
  /** A form body: sent as application/x-www-form-urlencoded, keys sorted as Go's url.Values does. */
  form?: Record<string, string>;
  /** A long poll: no request timeout. */
  wait?: boolean;
  signal?: AbortSignal;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

const encodeSorted = (values: Record<string, string>) =>
  new URLSearchParams(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();

/** The path of a key under /v2/keys, each segment escaped; a leading slash is added as etcd's client does. */
export function keysPath(key: string): string {
  const withSlash = key.startsWith('/') ? key : `/${key}`;
  return `/v2/keys${withSlash.split('/').map(encodeURIComponent).join('/')}`;
}

/** The v2 keys and members API of one node, with etcd's Go client's request shapes. */
export class V2Client {
  readonly endpoint: string;

  constructor(
    endpoint: string,
    private readonly token?: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.endpoint = normalizeEndpoint(endpoint);
  }

  async keys(method: string, key: string, request: KeysRequest = {}): Promise<KeysAnswer> {
    const query = request.query && Object.keys(request.query).length > 0 ? `?${encodeSorted(request.query)}` : '';
    const withBody = method === 'PUT' || method === 'POST' || method === 'DELETE';
    const answer = await this.send(method, `${keysPath(key)}${query}`, {
      ...(withBody ? { contentType: 'application/x-www-form-urlencoded', body: request.form ? encodeSorted(request.form) : '' } : {}),
      wait: request.wait ?? false,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const index = Number(answer.headers['x-etcd-index'] ?? 0) || 0;
    if (answer.status === 200 || answer.status === 201) {
      if (request.wait && answer.text.trim() === '') return { status: answer.status, index, body: undefined as unknown as V2Response };
      return { status: answer.status, index, body: parseJson(answer.text) as V2Response };
    }
    throw keysError(answer);
  }

  async members(): Promise<V2Member[]> {
    return ((await this.membersCall('GET', '/v2/members')) as { members: V2Member[] }).members;
  }

  async leader(): Promise<V2Member> {
    return (await this.membersCall('GET', '/v2/members/leader')) as V2Member;
  }

  async addMember(peerURL: string, learner: boolean): Promise<V2Member> {
    const body = JSON.stringify({ peerURLs: [peerURL], ...(learner ? { isLearner: true } : {}) });
    return (await this.membersCall('POST', '/v2/members', body)) as V2Member;
  }

  async removeMember(id: string): Promise<void> {
    await this.membersCall('DELETE', `/v2/members/${encodeURIComponent(id)}`);
  }

  async promoteMember(id: string): Promise<V2Member> {
    return (await this.membersCall('POST', `/v2/members/${encodeURIComponent(id)}/promote`)) as V2Member;
  }

  private async membersCall(method: string, path: string, json?: string): Promise<unknown> {
    const answer = await this.send(method, path, json === undefined ? {} : { contentType: 'application/json', body: json });
    if (answer.status >= 200 && answer.status < 300) return answer.text.trim() === '' ? undefined : parseJson(answer.text);
    let message = answer.text.trim();
    try {
      message = (JSON.parse(answer.text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: the text is the message
    }
    throw new MembersError(message || `${answer.status}`, answer.status);
  }

  private send(
    method: string,
    path: string,
    options: { contentType?: string; body?: string; wait?: boolean; signal?: AbortSignal },
  ): Promise<RawAnswer> {
    const url = new URL(path, this.endpoint);
    const headers: Record<string, string> = { 'User-Agent': 'flotilla-kv' };
    if (options.contentType) headers['Content-Type'] = options.contentType;
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { method, headers, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', (error) => reject(unreachable(this.endpoint, error)));
      });
      if (!options.wait) {
        req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })));
      }
      req.on('error', (error) => reject(options.signal?.aborted ? error : unreachable(this.endpoint, error)));
      req.end(options.body);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NodeClientError(`unexpected answer: ${text.slice(0, 200)}`);
  }
}

function keysError(answer: RawAnswer): Error {
  try {
    const body = JSON.parse(answer.text) as { errorCode?: number; message?: string; cause?: string; index?: number };
    if (typeof body.errorCode === 'number') return new EtcdError(body.errorCode, body.message ?? '', body.cause, body.index ?? 0);
    if (body.message) return new NodeClientError(`${answer.status}: ${body.message}`, answer.status);
  } catch {
    // not an etcd error body
  }
  return new NodeClientError(`${answer.status}: ${answer.text.trim() || 'no body'}`, answer.status);
}

function unreachable(endpoint: string, error: Error & { code?: string }): NodeClientError {
  if (error.code === 'ECONNREFUSED') return new NodeClientError(`cannot reach a node at ${endpoint}: connection refused (is \`flotilla up\` running there?)`);
  if (error.name === 'TimeoutError') return new NodeClientError(`cannot reach a node at ${endpoint}: no answer in time`);
  return new NodeClientError(`cannot reach a node at ${endpoint}: ${error.message}`);
}
