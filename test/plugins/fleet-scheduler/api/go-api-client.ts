import http from 'node:http';

/** What fleet's Go client puts on every request. */
export const GO_CLIENT_HEADERS = { 'User-Agent': 'google-api-go-client/0.5', 'Accept-Encoding': 'gzip' };

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = any>(): T;
}

/** Go's url.QueryEscape, which the client applies to unit names in paths (`@` → `%40`). */
export function goQueryEscape(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-_.~]/.test(char)) return char;
      if (char === ' ') return '+';
      return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Query strings as Go's url.Values.Encode writes them: keys sorted. */
function encodeQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(params[key]!)}`)
    .join('&');
}

/** One raw HTTP/1.1 request over a keep-alive connection; headers sent exactly as given. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer; agent?: http.Agent } = {},
): Promise<ApiResponse> {
  // The path goes out as written: a URL object would resolve `..` and `%2e%2e` segments first.
  const [, host, port, path] = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url)!;
  const headers = { ...options.headers };
  const chunked = Object.keys(headers).some((name) => name.toLowerCase() === 'transfer-encoding');
  if (options.body !== undefined && !chunked) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port: Number(port), path, method: options.method ?? 'GET', headers, agent: options.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode!, headers: response.headers, body, json: () => JSON.parse(body) });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/**
 * Sends what fleetctl's API driver sends (`fleet/v1` paths, `?alt=json`, escaped names, the
 * Go client's headers, keep-alive) and logs every request line, to compare with PART 2.
 */
export class GoApiClient {
  readonly log: string[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly endpoint: string) {}

  async call(method: string, path: string, params: Record<string, string> = {}, body?: unknown): Promise<ApiResponse> {
    const target = `/fleet/v1/${path}?${encodeQuery({ alt: 'json', ...params })}`;
    this.log.push(`${method} ${target}`);
    const headers: Record<string, string> = { ...GO_CLIENT_HEADERS };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = `${JSON.stringify(body)}\n`;
      headers['Content-Type'] = 'application/json';
    }
    return rawRequest(`${this.endpoint}${target}`, { method, headers, body: payload, agent: this.agent });
  }

  getUnit(name: string) {
    return this.call('GET', `units/${goQueryEscape(name)}`);
  }

  setUnit(name: string, unit: Record<string, unknown>) {
    return this.call('PUT', `units/${goQueryEscape(name)}`, {}, unit);
  }

  deleteUnit(name: string) {
    return this.call('DELETE', `units/${goQueryEscape(name)}`);
  }

  unitState(name: string) {
    return this.call('GET', `state/${goQueryEscape(name)}`);
  }

  /** Every page of a list, following nextPageToken until it is empty, as client/http.go does. */
  async listAll<T>(resource: 'units' | 'machines' | 'state', key: 'units' | 'machines' | 'states', filters: Record<string, string> = {}): Promise<{ items: T[]; pages: ApiResponse[] }> {
    const items: T[] = [];
    const pages: ApiResponse[] = [];
    let token = '';
    do {
      const page = await this.call('GET', resource, token ? { ...filters, nextPageToken: token } : filters);
      if (page.status !== 200) throw new Error(`${resource} page answered ${page.status}: ${page.body}`);
      pages.push(page);
      const json = page.json();
      items.push(...((json[key] as T[]) ?? []));
      token = json.nextPageToken ?? '';
    } while (token !== '');
    return { items, pages };
  }

  close(): void {
    this.agent.destroy();
  }
}
