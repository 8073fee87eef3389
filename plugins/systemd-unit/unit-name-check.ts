/** The unit types a name may end in (systemd's; the supervisor runs only some of them). */
export const UNIT_SUFFIXES = ['.service', '.target', '.socket', '.timer', '.mount', '.automount', '.swap', '.path', '.slice', '.scope', '.device'] as const;

const UNIT_NAME_MAX = 255;
const UNIT_NAME_CHARS = /^[A-Za-z0-9:_.\\@-]+$/;

/** The type suffix a name ends in, if it ends in one. */
export function unitSuffixOf(name: string): string | undefined {
  return UNIT_SUFFIXES.find((suffix) => name.endsWith(suffix));
}

/**
 * A quick check at the API's edge: at most 255 characters of systemd's unit name alphabet, a
 * non-empty stem and a unit type suffix. Templates (`app@.service`) pass.
 */
export function isValidUnitName(name: string): boolean {
  if (name.length > UNIT_NAME_MAX || !UNIT_NAME_CHARS.test(name)) return false;
  const suffix = unitSuffixOf(name);
  if (suffix === undefined) return false;
  const stem = name.slice(0, -suffix.length);
  return stem !== '' && !stem.startsWith('@');
}

/** Why a name is refused, in words a client can act on. */
export function invalidUnitNameMessage(name: string): string {
  return (
    `Invalid unit name "${name}": a unit name is at most ${UNIT_NAME_MAX} characters of A-Z a-z 0-9 : _ . \\ @ - ` +
    `and ends in a unit type such as .service or .target`
  );
}
