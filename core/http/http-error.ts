/**
 * An error a route throws to answer with a status. `body` replaces the default JSON shape, for
 * APIs that must answer in another's format (etcd's `{errorCode, message, cause, index}`).
 */
export class HttpError extends Error {
  readonly expose = true;

  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The default error body: `{"error":{"code":404,"message":"…"}}`, fleet API's shape. */
export function errorBody(status: number, message: string, requestId?: string) {
  return { error: { code: status, message, ...(requestId ? { requestId } : {}) } };
}
