import type { EtcdError, KeysAnswer, V2Node } from './v2-client.js';

export const OUTPUT_FORMATS = ['simple', 'extended', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Go's encoding/json: <, > and & escaped inside strings. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A node as etcd's Go client marshals its Node struct: fixed field order, nodes null when absent. */
function clientNode(node: V2Node): Record<string, unknown> {
  return {
    key: node.key ?? '',
    ...(node.dir ? { dir: true } : {}),
    value: node.value ?? '',
    nodes: node.nodes ? node.nodes.map(clientNode) : null,
    createdIndex: node.createdIndex ?? 0,
    modifiedIndex: node.modifiedIndex ?? 0,
    ...(node.expiration ? { expiration: node.expiration } : {}),
    ...(node.ttl ? { ttl: node.ttl } : {}),
  };
}

/** etcdctl's printResponseKey: the lines one response prints in each output mode. */
export function responseLines(answer: KeysAnswer, format: OutputFormat): string[] {
  const { body } = answer;
  switch (format) {
    case 'simple':
      return body.action === 'delete' ? [`PrevNode.Value: ${body.prevNode?.value ?? ''}`] : [body.node.value ?? ''];
    case 'extended': {
      const lines = [`Key: ${body.node.key ?? ''}`, `Created-Index: ${body.node.createdIndex ?? 0}`, `Modified-Index: ${body.node.modifiedIndex ?? 0}`];
      if (body.prevNode) lines.push(`PrevNode.Value: ${body.prevNode.value ?? ''}`);
      lines.push(`TTL: ${body.node.ttl ?? 0}`, `Index: ${answer.index}`);
      if (body.action !== 'delete') lines.push('', body.node.value ?? '');
      return lines;
    }
    case 'json':
      return [goJson({ action: body.action, node: clientNode(body.node), prevNode: body.prevNode ? clientNode(body.prevNode) : null })];
  }
}

/**
 * etcdctl's error line, `Error:  100: Key not found (/a) [7]`, in every output mode (its json mode
 * means to print the error body but never does); with `--json`, the error body etcd answered.
 */
export function errorLine(error: EtcdError | Error, asJson: boolean): string {
  if (asJson && 'errorCode' in error) return goJson(error.toJSON());
  return `Error:  ${error.message}`;
}
