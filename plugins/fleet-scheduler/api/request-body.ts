import type { Context } from 'koa';
import { FleetApiError } from './fleet-errors.js';

/**
 * The request body as text. The node's body parser keeps the text of the types it parses; a
 * body of any other type (or none declared) is still unread and is read here, up to `limit`.
 */
export async function requestText(ctx: Context, limit: number): Promise<string | undefined> {
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string') return raw;
  const req = ctx.req;
  if (req.readableEnded) return undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    // Past the limit the rest is still read and dropped: destroying the request would reset the connection before the answer.
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      refused = true;
      chunks.length = 0;
      reject(new FleetApiError(413, `request body exceeds the limit of ${limit} bytes`));
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
