/** What a path under an API prefix names, as fleet's router tells collections from items. */
export type FleetTarget =
  | { kind: 'root' }
  | { kind: 'discovery' }
  | { kind: 'machines' }
  | { kind: 'units' }
  | { kind: 'unit'; name: string }
  | { kind: 'states' }
  | { kind: 'state'; name: string }
  | { kind: 'unknown' }
  | { kind: 'malformed' };

const COLLECTIONS: Record<string, FleetTarget> = {
  '/discovery': { kind: 'discovery' },
  '/machines': { kind: 'machines' },
  '/units': { kind: 'units' },
  '/state': { kind: 'states' },
};

/**
 * `rest` is the raw path after the prefix. It is percent-decoded before matching, so
 * `web%401.service` names `web@1.service`, and an item is exactly one non-empty segment:
 * a trailing slash or a `/` inside the name (even as %2F) names nothing.
 */
export function fleetTarget(rest: string): FleetTarget {
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    return { kind: 'malformed' };
  }
  if (path === '') return { kind: 'root' };
  const collection = COLLECTIONS[path];
  if (collection) return collection;
  const item = /^\/(units|state)\/([^/]+)$/.exec(path);
  if (!item) return { kind: 'unknown' };
  return item[1] === 'units' ? { kind: 'unit', name: item[2]! } : { kind: 'state', name: item[2]! };
}
