import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from '../logging.js';
import { errorBody, isHttpError } from './http-error.js';

interface StatusError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  headers?: Record<string, string>;
}

/**
 * Every failure leaves as JSON. Client mistakes keep their 4xx status; anything unexpected is a
 * 500 whose detail goes to the log under the request id, never to the client.
 */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      const status = ctx.status;
      if (ctx.body === undefined && (status === 404 || status === 405 || status === 501)) {
        const message = status === 404 ? `no route for ${ctx.method} ${ctx.path}` : STATUS_CODES[status]!;
        ctx.body = errorBody(status, message, ctx.state.requestId);
        ctx.status = status;
      }
    } catch (caught) {
      const error = caught as StatusError;
      const status = error.status ?? error.statusCode ?? 500;
      const clientError = status >= 400 && status < 500 && (error.expose ?? true);
      if (!clientError) {
        log.error({ err: error, requestId: ctx.state.requestId, method: ctx.method, path: ctx.path }, 'request failed');
      }
      ctx.status = clientError || isHttpError(error) ? status : 500;
      for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
      const message = clientError || isHttpError(error) ? error.message : 'internal error';
      ctx.body = isHttpError(error) && error.body !== undefined ? error.body : errorBody(ctx.status, message, ctx.state.requestId);
    }
  };
}
