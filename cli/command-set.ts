import type { CommandSet } from '../core/index.js';

/** Joins the core commands and every plugin's set; two commands with one id is a wiring bug. */
export function buildCommandRegistry(...sets: readonly CommandSet[]): CommandSet {
  const registry: Record<string, CommandSet[string]> = {};
  for (const set of sets) {
    for (const [id, command] of Object.entries(set)) {
      if (id in registry) throw new Error(`two commands claim the id "${id}"`);
      registry[id] = command;
    }
  }
  return Object.freeze(registry);
}
