import type { Middleware } from 'koa';
import { HttpError } from './http-error.js';

/** Refuses a body whose declared length exceeds the limit before any of it is read. */
export function declaredBodyLimit(limit: number): Middleware {
  return async (ctx, next) => {
    const declared = Number(ctx.get('Content-Length') || 0);
    if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
    return next();
  };
}
