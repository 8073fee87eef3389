import { unitSuffixOf } from '../unit-name-check.js';

/** systemctl's leniency: a name given without a unit type means the service (`app` is `app.service`). */
export function mangleUnitName(name: string): string {
  return unitSuffixOf(name) === undefined ? `${name}.service` : name;
}
