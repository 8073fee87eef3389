import type { UnitFiles, UnitLoadState } from '../../../core/index.js';
import type { UnitDefinition } from '../unit-file/definition.js';
import type { UnitFileState } from '../unit-control.js';

export interface SourcedUnit {
  name: string;
  loadState: UnitLoadState;
  /** Present when loadState is `loaded` or `bad-setting`. */
  definition?: UnitDefinition;
  /** Why the unit is not loaded (not found, masked, errors). */
  reason?: string;
}

/** Where unit definitions come from: the unit search path, drop-ins and enablement links. */
export interface UnitSource {
  /** Reads the unit from disk now, `.wants/`/`.requires/` links included in its dependencies. */
  read(name: string): Promise<SourcedUnit>;
  /** Every unit name with a file (or link) in the search path. */
  names(): Promise<string[]>;
  /** Writes a unit file into the first search directory. */
  write(name: string, content: string): Promise<void>;
  /** Writes the unit file and drop-ins into the first search directory where their text differs; what it wrote. */
  install(name: string, files: UnitFiles): Promise<{ unitFile: boolean; dropIns: string[] }>;
  /** Removes the unit file written by `write` (and its links). */
  remove(name: string): Promise<void>;
  enable(definition: UnitDefinition): Promise<string[]>;
  disable(name: string): Promise<string[]>;
  fileState(name: string): Promise<UnitFileState>;
  files(name: string): Promise<{ path: string; text: string }[]>;
}
