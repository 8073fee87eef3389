/** A mode as permissions take it: an octal string ('0644', '644') or, from YAML 1.1's `0644`, the number. */
export function parsePermissions(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0o7777 ? value : undefined;
  return /^0?[0-7]{3,4}$/.test(value.trim()) ? Number.parseInt(value.trim(), 8) : undefined;
}

/** '0644' */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`.replace(/^0(\d{4})$/, '$1');
}

/** cloud-init's default for files without permissions. */
export const DEFAULT_MODE = 0o644;
