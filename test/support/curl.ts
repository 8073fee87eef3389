import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CurlResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json<T = any>(): T;
}

/** One request through the real curl binary, as an operator would send it. */
export async function curl(url: string, args: readonly string[] = []): Promise<CurlResponse> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '-D', '-', ...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const blocks = stdout.split('\r\n\r\n');
  let index = 0;
  while (/^HTTP\/[\d.]+ 100/.test(blocks[index] ?? '')) index++;
  const head = blocks[index] ?? '';
  const body = blocks.slice(index + 1).join('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body, json: () => JSON.parse(body) };
}
