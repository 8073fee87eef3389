/** The form etcdctl sends for a value: `value=V`, with `ttl=N` when N > 0. */
export function valueForm(value: string, ttl: number): Record<string, string> {
  return ttl > 0 ? { value, ttl: String(ttl) } : { value };
}

/** The form etcdctl sends for a directory: only `ttl=N`, when N > 0. */
export function dirForm(ttl: number): Record<string, string> {
  return ttl > 0 ? { ttl: String(ttl) } : {};
}
