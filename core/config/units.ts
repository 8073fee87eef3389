import ms from 'ms';

/** Milliseconds from a number of milliseconds or a string such as "500ms", "30s", "5m". */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?\s*[a-z]*$/i.test(trimmed)) return undefined;
  const parsed = ms(trimmed as ms.StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, kib: 1024,
  m: 1e6, mb: 1e6, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gib: 1024 ** 3,
};

/** Bytes from a number of bytes or a string such as "512kb", "1MiB", "2g". */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return undefined;
  const factor = SIZE_UNITS[match[2]!.toLowerCase()];
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}
