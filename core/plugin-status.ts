export type PluginState = 'loaded' | 'registered' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface PluginStatus {
  id: string;
  version?: string;
  description?: string;
  /** "built-in" or the module it was loaded from. */
  source: string;
  dependsOn: string[];
  state: PluginState;
  /** ISO time the plugin finished starting. */
  startedAt?: string;
  /** How long its start took, in milliseconds. */
  startMs?: number;
  error?: string;
}

export interface PluginStatusSource {
  list(): PluginStatus[];
}
