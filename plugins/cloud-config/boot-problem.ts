import type { FileSettings, UnitSettings } from './config.js';

/** Where an entry of the settings is written: its cloud-config key when it came from one. */
export function entryKey(entry: FileSettings | UnitSettings, list: 'files' | 'units', index: number, field?: string): string {
  const suffix = field === undefined ? '' : `.${field}`;
  return `${entry.origin ?? `plugins.cloud-config.${list}[${index}]`}${suffix}`;
}

/** What the document asks cannot be done here; nothing was changed. */
export class CloudConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `cannot apply the cloud-config, so nothing was changed: ${problems[0]}`
        : `cannot apply the cloud-config, so nothing was changed (${problems.length} problems):\n  ${problems.join('\n  ')}`,
    );
    this.name = 'CloudConfigError';
  }
}
