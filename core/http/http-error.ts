/**
 * An error a route throws to answer with a status. `body` replaces the default JSON shape, for
 * APIs that must answer in another's format (etcd's `{errorCode, message, cause, index}`).
 */
const HTTP_ERROR = Symbol.for('flotilla.HttpError');

export class HttpError extends Error {
  readonly expose = true;
  readonly [HTTP_ERROR] = true;

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

/**
 * Whether `error` is an HttpError, also one made by another copy of this module (a plugin that
 * bundles its own Flotilla): the check is by brand, not by class.
 */
export function isHttpError(error: unknown): error is HttpError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[HTTP_ERROR] === true;
}

/** The default error body: `{"error":{"code":404,"message":"…"}}`, fleet API's shape. */
export function errorBody(status: number, message: string, requestId?: string) {
  return { error: { code: status, message, ...(requestId ? { requestId } : {}) } };
}
