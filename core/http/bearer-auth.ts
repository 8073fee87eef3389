import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from './http-error.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Requires `Authorization: Bearer <token>` on every path but the open ones. */
export function bearerAuth(token: string, openPaths: ReadonlySet<string>): Middleware {
  const expected = digest(token);
  const challenge = { 'WWW-Authenticate': 'Bearer realm="flotilla"' };
  return async (ctx, next) => {
    if (openPaths.has(ctx.path)) return next();
    const header = ctx.get('Authorization');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new HttpError(401, 'missing bearer token', undefined, challenge);
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      throw new HttpError(401, 'invalid bearer token', undefined, { 'WWW-Authenticate': 'Bearer realm="flotilla", error="invalid_token"' });
    }
    return next();
  };
}
