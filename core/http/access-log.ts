import type { Middleware } from 'koa';
import type { Logger } from '../logging.js';

/** One debug line per request: method, path, status, duration and request id. */
export function accessLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (log.isLevelEnabled('debug')) {
        log.debug(
          { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round((performance.now() - started) * 10) / 10, requestId: ctx.state.requestId },
          'request',
        );
      }
    }
  };
}
