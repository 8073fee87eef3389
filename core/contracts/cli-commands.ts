import type { Command } from '@oclif/core';

/**
 * Commands a plugin contributes to the `flotilla` CLI, keyed by oclif id (`kv:get` is
 * `flotilla kv get`). A plugin exports one set from its `commands/index.ts`.
 */
export type CommandSet = Readonly<Record<string, Command.Class>>;
