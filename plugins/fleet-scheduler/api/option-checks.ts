import type { UnitOption } from '../../../core/index.js';
import { parseUnitOptions, sameOptions, serializeUnitOptions } from '../unit-file/unit-options.js';

/** systemd's LINE_MAX, which fleet's unit file reader enforces. */
const LINE_MAX = 2048;

/** The options as a unit file reader returns them: trimmed, grouped by section in order of first appearance. */
function asReadBack(options: readonly UnitOption[]): UnitOption[] {
  const sections = [...new Set(options.map((option) => option.section))];
  return sections.flatMap((section) =>
    options.filter((option) => option.section === section).map((option) => ({ section, name: option.name.trim(), value: option.value.trim() })),
  );
}

function readsBack(options: readonly UnitOption[]): boolean {
  try {
    return sameOptions(parseUnitOptions(serializeUnitOptions(options)), asReadBack(options));
  } catch {
    return false;
  }
}

/**
 * Why these options cannot be written as a unit file that reads back as the same options (a
 * line too long; a line break, `=` or `]` where the format cannot hold one), or undefined.
 * Whitespace around names and values is not a problem: every reader trims it.
 */
export function optionsFileProblem(options: readonly UnitOption[]): string | undefined {
  for (const option of options) {
    if (option.section === '') return `option "${option.name}" has an empty section`;
    if (option.name.trim() === '') return `an option in section "${option.section}" has an empty name`;
    const longest = Math.max(Buffer.byteLength(`${option.name}=${option.value}`), Buffer.byteLength(`[${option.section}]`));
    if (longest > LINE_MAX) return `line too long (max ${LINE_MAX} bytes)`;
  }
  if (readsBack(options)) return undefined;
  const broken = options.find((option) => !readsBack([option]));
  return broken
    ? `option "${broken.name.trim()}" in section "${broken.section}" does not read back the same from a unit file`
    : 'options do not read back the same from a unit file';
}
