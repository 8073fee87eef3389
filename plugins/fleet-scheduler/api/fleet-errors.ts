import { KvError, KvErrorCode } from '../../../core/index.js';

/** fleet's error entity: `{"error":{"code":404,"message":"unit does not exist"}}`; the message is always present, maybe empty. */
export function fleetErrorBody(code: number, message: string): { error: { code: number; message: string } } {
  return { error: { code, message } };
}

/** A fleet API answer other than success, with fleet's status and message. */
export class FleetApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. Allow on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'FleetApiError';
  }
}

export const UNAVAILABLE_MESSAGE = 'fleet server unable to communicate with etcd';

export const unavailable = () => new FleetApiError(503, UNAVAILABLE_MESSAGE);
export const badRequest = (message: string) => new FleetApiError(400, message);
export const notFound = (message = '') => new FleetApiError(404, message);
export const conflict = (message: string) => new FleetApiError(409, message);
export const methodNotAllowed = (message: string, allow: string) => new FleetApiError(405, message, { Allow: allow });

/** The store cannot answer now (no leader, no quorum, member stopping): fleet's "unable to communicate with etcd". */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof KvError && (error.errorCode === KvErrorCode.RaftInternal || error.errorCode === KvErrorCode.LeaderElect);
}
