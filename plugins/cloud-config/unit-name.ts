const UNIT_TYPES = ['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'];
const UNIT_NAME = new RegExp(`^[A-Za-z0-9:_.\\\\-]+(@[A-Za-z0-9:_.\\\\-]*)?\\.(${UNIT_TYPES.join('|')})$`);
const MAX_UNIT_NAME_LENGTH = 255;

/** Why a unit name is refused, or undefined when systemd would take it. */
export function unitNameProblem(name: string): string | undefined {
  if (name.length > MAX_UNIT_NAME_LENGTH) return `is longer than ${MAX_UNIT_NAME_LENGTH} characters`;
  if (!UNIT_NAME.test(name)) return `is not a unit name: letters, digits and :_.\\- (an @ before an instance), ending in .${UNIT_TYPES.slice(0, 3).join(', .')} or another unit type`;
  return undefined;
}

/** `foo@.service`: a template, which is written but cannot be started itself. */
export function isTemplateName(name: string): boolean {
  return /@\.[a-z]+$/.test(name);
}
