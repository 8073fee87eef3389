import type { InjectionToken } from './di.js';

/**
 * A DI token named `flotilla.<id>`. Symbol.for keeps a token identical when a module is loaded
 * twice (source and dist) and lets third-party plugins name tokens without importing ours.
 */
export function token<T>(id: string): InjectionToken<T> {
  return Symbol.for(`flotilla.${id}`) as InjectionToken<T>;
}
