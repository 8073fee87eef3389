import { FLOTILLA_VERSION } from '../version.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:2379';

export class NodeClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NodeClientError';
  }
}

/** Talks to a node's HTTP API, as every client command does. */
export class NodeClient {
  readonly endpoint: string;

  constructor(
    endpoint: string = DEFAULT_ENDPOINT,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.endpoint = normalizeEndpoint(endpoint);
  }

  async getJson<T>(path: string): Promise<T> {
    return (await this.request('GET', path)).json() as Promise<T>;
  }

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'User-Agent': `flotilla/${FLOTILLA_VERSION}`, ...init.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.endpoint), {
        method,
        headers,
        body: init.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new NodeClientError(`cannot reach a node at ${this.endpoint}: ${describeFetchFailure(error)}`);
    }
    if (!response.ok) throw new NodeClientError(await errorMessage(response), response.status);
    return response;
  }
}

export function normalizeEndpoint(endpoint: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NodeClientError(`unsupported endpoint scheme ${url.protocol}`);
  return url.origin;
}

function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is `flotilla up` running there?)';
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.message ?? (error as Error).message;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; message?: string; cause?: string };
    const message = body.error?.message ?? body.message;
    if (message) return `${response.status}: ${message}${body.cause ? ` (${body.cause})` : ''}`;
  } catch {
    // not JSON; fall through to the text
  }
  return `${response.status}: ${text.trim() || response.statusText}`;
}
