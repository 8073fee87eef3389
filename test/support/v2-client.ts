/** A request that got no HTTP answer: refused, reset, or timed out. Its effect is unknown. */
export class NoAnswerError extends Error {}

export interface V2Answer {
  status: number;
  body: any;
}

export interface V2RequestOptions {
  method?: string;
  form?: Record<string, string>;
  timeoutMs?: number;
}

/** One etcd v2 API request through fetch; answers with any HTTP status, throws NoAnswerError otherwise. */
export async function v2(url: string, options: V2RequestOptions = {}): Promise<V2Answer> {
  const { method = 'GET', form, timeoutMs = 5_000 } = options;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(form && { body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new NoAnswerError(`${method} ${url}: ${cause}`, { cause: error });
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

export const keyUrl = (base: string, key: string, query = '') => `${base}/v2/keys/${key.replace(/^\//, '')}${query ? `?${query}` : ''}`;

/** A key's value (null when absent) as `base` reads it; linearizable unless `serializable`. */
export async function readKey(base: string, key: string, options: { serializable?: boolean; timeoutMs?: number } = {}): Promise<string | null> {
  const answer = await v2(keyUrl(base, key, options.serializable ? 'serializable=true' : ''), options);
  if (answer.status === 200) return answer.body.node.value as string;
  if (answer.status === 404 && answer.body?.errorCode === 100) return null;
  throw new Error(`GET ${key} on ${base}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Sets a key through `base`, failing on anything but 200/201. */
export async function writeKey(base: string, key: string, value: string, timeoutMs = 5_000): Promise<V2Answer> {
  const answer = await v2(keyUrl(base, key), { method: 'PUT', form: { value }, timeoutMs });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`PUT ${key} on ${base}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

export interface KeyState {
  value: string;
  modifiedIndex: number;
  createdIndex: number;
}

/** Every key under `dir` (recursively) with value and indexes; an absent dir is empty. */
export async function readTree(base: string, dir: string, options: { serializable?: boolean; timeoutMs?: number } = {}): Promise<Map<string, KeyState>> {
  const query = `recursive=true${options.serializable ? '&serializable=true' : ''}`;
  const answer = await v2(keyUrl(base, dir, query), options);
  const keys = new Map<string, KeyState>();
  if (answer.status === 404 && answer.body?.errorCode === 100) return keys;
  if (answer.status !== 200) throw new Error(`GET ${dir}?recursive on ${base}: ${answer.status} ${JSON.stringify(answer.body)}`);
  const walk = (node: { key: string; dir?: boolean; value?: string; nodes?: unknown[]; modifiedIndex: number; createdIndex: number }) => {
    if (node.dir) for (const child of node.nodes ?? []) walk(child as typeof node);
    else keys.set(node.key, { value: node.value ?? '', modifiedIndex: node.modifiedIndex, createdIndex: node.createdIndex });
  };
  walk(answer.body.node);
  return keys;
}
