import type { ConfigPath } from './config-error.js';

/** Where a config value is written in its file. */
export interface SourcePosition {
  line: number;
  column: number;
  /** The key to name in a problem, when the file writes the value under another key (a cloud-config key). */
  key?: ConfigPath;
  /** The file's key has another name than the node config's: problems name both. */
  renamed?: boolean;
}

/** A node config read from a file: its data, and where each key of it is written. */
export interface ConfigSource {
  file: string;
  data: Record<string, unknown>;
  /** The position of the key at `path`, or of its nearest ancestor present in the file. */
  locate(path: ConfigPath): SourcePosition | undefined;
}
