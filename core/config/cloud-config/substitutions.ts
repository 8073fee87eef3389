import type { ConfigPath } from '../config-error.js';
import { isPlainObject } from '../overlay.js';
import type { Translation } from './translation.js';

const SUBSTITUTION = /\$(private_ipv4|public_ipv4)\b/;

/**
 * coreos-cloudinit replaced $private_ipv4 and $public_ipv4 with the cloud's addresses. Flotilla
 * does not know them, and a value left with the literal text would be wrong, so each is refused.
 */
export function refuseSubstitutions(t: Translation, value: unknown, at: ConfigPath): void {
  if (typeof value === 'string') {
    const found = SUBSTITUTION.exec(value);
    if (found) t.problem(at, `not supported by Flotilla: the ${found[0]} substitution; write the address itself`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseSubstitutions(t, item, [...at, i]));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) refuseSubstitutions(t, item, [...at, key]);
  }
}
