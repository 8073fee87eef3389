export interface PluginNode {
  readonly id: string;
  readonly dependsOn?: readonly string[];
  /** Ordering only: start after these when they are enabled too. */
  readonly startsAfter?: readonly string[];
}

/** What a plugin waits for among the enabled ones: its dependencies and the plugins it starts after. */
function waitsFor(plugin: PluginNode, byId: ReadonlyMap<string, PluginNode>): string[] {
  return [...(plugin.dependsOn ?? []), ...(plugin.startsAfter ?? []).filter((id) => byId.has(id))];
}

export class PluginGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginGraphError';
  }
}

/**
 * Orders plugins so that each comes after everything it depends on (and after the enabled plugins
 * it starts after); among those ready, the one
 * listed first goes first. A missing dependency or a cycle is reported with its chain.
 */
export function orderPlugins<T extends PluginNode>(plugins: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const plugin of plugins) {
    if (byId.has(plugin.id)) throw new PluginGraphError(`plugin "${plugin.id}" is enabled twice`);
    byId.set(plugin.id, plugin);
  }
  for (const plugin of plugins) checkDependenciesExist(plugin, byId, []);

  const ordered: T[] = [];
  const done = new Set<string>();
  while (ordered.length < plugins.length) {
    const ready = plugins.find((plugin) => !done.has(plugin.id) && waitsFor(plugin, byId).every((id) => done.has(id)));
    if (!ready) throw new PluginGraphError(`dependency cycle: ${findCycle(plugins.filter((p) => !done.has(p.id)), byId).join(' -> ')}`);
    done.add(ready.id);
    ordered.push(ready);
  }
  return ordered;
}

function checkDependenciesExist(plugin: PluginNode, byId: ReadonlyMap<string, PluginNode>, chain: readonly string[]): void {
  if (chain.includes(plugin.id)) return;
  for (const dependency of plugin.dependsOn ?? []) {
    const target = byId.get(dependency);
    if (!target) {
      const path = [...chain, plugin.id, dependency].join(' -> ');
      throw new PluginGraphError(
        `plugin "${plugin.id}" depends on "${dependency}", which is not enabled (${path}); add "${dependency}" under plugins:`,
      );
    }
    checkDependenciesExist(target, byId, [...chain, plugin.id]);
  }
}

/** Walks dependencies from the first blocked plugin until one repeats. */
function findCycle(blocked: readonly PluginNode[], byId: ReadonlyMap<string, PluginNode>): string[] {
  const path: string[] = [];
  let current: PluginNode | undefined = blocked[0];
  const blockedIds = new Set(blocked.map((p) => p.id));
  while (current && !path.includes(current.id)) {
    path.push(current.id);
    const next: string | undefined = waitsFor(current, byId).find((id) => blockedIds.has(id));
    current = next === undefined ? undefined : byId.get(next);
  }
  return current ? [...path.slice(path.indexOf(current.id)), current.id] : path;
}
