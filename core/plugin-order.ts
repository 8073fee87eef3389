export interface PluginNode {
  readonly id: string;
  readonly dependsOn?: readonly string[];
}

export class PluginGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginGraphError';
  }
}

/**
 * Orders plugins so that each comes after everything it depends on, keeping the given order
 * where dependencies allow. A missing dependency or a cycle is reported with its chain.
 */
export function orderPlugins<T extends PluginNode>(plugins: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const plugin of plugins) {
    if (byId.has(plugin.id)) throw new PluginGraphError(`plugin "${plugin.id}" is enabled twice`);
    byId.set(plugin.id, plugin);
  }
  const ordered: T[] = [];
  const done = new Set<string>();
  const visit = (plugin: T, chain: string[]): void => {
    if (done.has(plugin.id)) return;
    const cycleStart = chain.indexOf(plugin.id);
    if (cycleStart >= 0) {
      throw new PluginGraphError(`dependency cycle: ${[...chain.slice(cycleStart), plugin.id].join(' -> ')}`);
    }
    for (const dependency of plugin.dependsOn ?? []) {
      const target = byId.get(dependency);
      if (!target) {
        const path = [...chain, plugin.id, dependency].join(' -> ');
        throw new PluginGraphError(
          `plugin "${plugin.id}" depends on "${dependency}", which is not enabled (${path}); add "${dependency}" under plugins:`,
        );
      }
      visit(target, [...chain, plugin.id]);
    }
    done.add(plugin.id);
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
