import { isValidUnitName, UNIT_TYPES, unitNameProblem } from './unit-file/unit-name.js';

export { isValidUnitName };

/** The type suffix a name ends in, if it ends in one systemd knows. */
export function unitSuffixOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  const suffix = dot < 0 ? undefined : name.slice(dot + 1);
  return suffix !== undefined && (UNIT_TYPES as readonly string[]).includes(suffix) ? `.${suffix}` : undefined;
}

/** Why a name is refused, in words a client can act on. */
export function invalidUnitNameMessage(name: string): string {
  return `Invalid unit name "${name}": ${unitNameProblem(name) ?? 'not a unit name'}; a unit name ends in a unit type such as .service or .target`;
}
