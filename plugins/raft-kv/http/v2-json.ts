import type { KvError, KvNode, KvResult } from '../../../core/index.js';

const VALUELESS_ACTIONS = new Set(['delete', 'compareAndDelete', 'expire']);

/** A node with etcd's field order; zero and empty fields left out, as Go's omitempty does. */
function orderedNode(node: KvNode, withValue: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.key && node.key !== '/') out.key = node.key;
  if (!node.dir && withValue) out.value = node.value ?? '';
  if (node.dir) out.dir = true;
  if (node.expiration) out.expiration = node.expiration;
  if (node.ttl) out.ttl = node.ttl;
  if (node.nodes && node.nodes.length > 0) out.nodes = node.nodes.map((child) => orderedNode(child, withValue));
  if (node.modifiedIndex) out.modifiedIndex = node.modifiedIndex;
  if (node.createdIndex) out.createdIndex = node.createdIndex;
  return out;
}

/** Go's encoder escapes <, > and & (and the JS line separators) inside strings. */
function goJson(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

export function encodeResult(result: KvResult, options: { noValueOnSuccess?: boolean } = {}): string {
  if (options.noValueOnSuccess) return goJson({ action: result.action });
  const body: Record<string, unknown> = {
    action: result.action,
    node: orderedNode(result.node, !VALUELESS_ACTIONS.has(result.action)),
  };
  if (result.prevNode) body.prevNode = orderedNode({ ...result.prevNode, nodes: undefined }, true);
  return goJson(body);
}

export function encodeError(error: KvError): string {
  return goJson({
    errorCode: error.errorCode,
    message: error.message,
    ...(error.detail ? { cause: error.detail } : {}),
    index: error.index,
  });
}

export function encodeJson(value: unknown): string {
  return goJson(value);
}

/** etcd's status for an error code: most are 400. */
export function statusForErrorCode(code: number): number {
  switch (code) {
    case 100:
      return 404;
    case 101:
    case 105:
      return 412;
    case 102:
    case 108:
      return 403;
    case 110:
      return 401;
    case 300:
    case 301:
      return 500;
    default:
      return 400;
  }
}
