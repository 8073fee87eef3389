/** Unit names as fleet accepts them (systemd's rules) and the template/instance parts of a name. */

const MAX_LENGTH = 256;
const VALID_CHARS = /^[A-Za-z0-9:\-_.\\@]*$/;
const UNIT_TYPES = new Set(['service', 'socket', 'busname', 'target', 'snapshot', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope']);
const TEMPLATE_TYPES = new Set(['path', 'service', 'socket', 'target', 'timer']);
/** The suffixes fleetctl appends `.service` in front of when a name has none of them. */
const RECOGNIZED_TYPES = new Set(['service', 'socket', 'timer', 'path', 'device', 'mount', 'automount']);

/** fleet's message for the first problem with a unit name, or undefined when it is valid. */
export function unitNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'unit name cannot be empty';
  if (name.length > MAX_LENGTH) return `unit name exceeds maximum length (${MAX_LENGTH})`;
  const dot = name.lastIndexOf('.');
  if (dot === -1) return 'unit name must contain "."';
  if (dot === name.length - 1) return 'unit name cannot end in "."';
  const suffix = name.slice(dot + 1);
  if (!UNIT_TYPES.has(suffix)) return `invalid unit type: "${suffix}"`;
  const bad = [...name.slice(0, dot)].find((char) => !VALID_CHARS.test(char));
  if (bad !== undefined) return `invalid character "${bad}" in unit name`;
  if (name.startsWith('@')) return 'unit name cannot start in "@"';
  if (name.includes('@') && !TEMPLATE_TYPES.has(suffix)) return `unit type "${suffix}" cannot be a template or instance`;
  return undefined;
}

export interface UnitNameParts {
  /** Before `@` (or before the suffix when there is no `@`). */
  prefix: string;
  /** After `@`, empty for a template or a plain unit. */
  instance: string;
  /** Without the type suffix. */
  base: string;
  suffix: string;
}

export function unitNameParts(name: string): UnitNameParts {
  const dot = name.lastIndexOf('.');
  const base = dot === -1 ? name : name.slice(0, dot);
  const suffix = dot === -1 ? '' : name.slice(dot + 1);
  const at = base.indexOf('@');
  return { prefix: at === -1 ? base : base.slice(0, at), instance: at === -1 ? '' : base.slice(at + 1), base, suffix };
}

/** `app@.service`: a template, never run itself. */
export function isTemplateName(name: string): boolean {
  const { base } = unitNameParts(name);
  return base.endsWith('@');
}

/** The template an instance comes from (`app@1.service` → `app@.service`), undefined for others. */
export function templateOf(name: string): string | undefined {
  const { prefix, instance, suffix, base } = unitNameParts(name);
  if (!base.includes('@') || instance === '') return undefined;
  return `${prefix}@.${suffix}`;
}

/** fleetctl's rule: `app` means `app.service`. */
export function withUnitSuffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot !== -1 && RECOGNIZED_TYPES.has(name.slice(dot + 1)) ? name : `${name}.service`;
}
