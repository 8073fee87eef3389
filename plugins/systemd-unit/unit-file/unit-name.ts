/** Unit names (`prefix[@instance].type`) and the escaping systemd-escape does for their parts. */

export const UNIT_TYPES = [
  'service',
  'socket',
  'target',
  'device',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice',
  'scope',
] as const;

export type UnitType = (typeof UNIT_TYPES)[number];

/** Longest unit name systemd accepts, in bytes. */
export const MAX_UNIT_NAME_LENGTH = 255;

/** Characters a unit name may hold before its suffix (`@` separates the instance). */
const NAME_CHARS = /^[A-Za-z0-9:_.\\@-]*$/;

/** Characters escaping leaves alone; `-` and `\` are valid in names but reserved by escaping. */
const UNESCAPED_CHARS = /^[A-Za-z0-9:_.]$/;

export interface ParsedUnitName {
  name: string;
  /** The part before the first `@`, or before the suffix when there is no `@`. */
  prefix: string;
  /** The text between the first `@` and the suffix: empty for a template, absent for a plain name. */
  instance?: string;
  type: UnitType;
  /** `foo@.service` */
  isTemplate: boolean;
  /** `foo@bar.service` */
  isInstance: boolean;
}

/** Splits and validates a unit name; throws a RangeError saying what is wrong with it. */
export function parseUnitName(name: string): ParsedUnitName {
  const problem = unitNameProblem(name);
  if (problem) throw new RangeError(`invalid unit name '${name}': ${problem}`);
  const dot = name.lastIndexOf('.');
  const type = name.slice(dot + 1) as UnitType;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return { name, prefix: stem, type, isTemplate: false, isInstance: false };
  const instance = stem.slice(at + 1);
  return {
    name,
    prefix: stem.slice(0, at),
    instance,
    type,
    isTemplate: instance === '',
    isInstance: instance !== '',
  };
}

export function isValidUnitName(name: string): boolean {
  return unitNameProblem(name) === undefined;
}

/** What is wrong with a unit name, in a few words; undefined when it is valid. */
export function unitNameProblem(name: string): string | undefined {
  if (name === '') return 'empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_UNIT_NAME_LENGTH) return `longer than ${MAX_UNIT_NAME_LENGTH} bytes`;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return `no type suffix (one of .${UNIT_TYPES.join(', .')})`;
  const type = name.slice(dot + 1);
  if (!(UNIT_TYPES as readonly string[]).includes(type)) return `unknown unit type '.${type}'`;
  const stem = name.slice(0, dot);
  if (stem === '') return 'empty name before the suffix';
  if (!NAME_CHARS.test(stem)) {
    const bad = [...stem].find((c) => !NAME_CHARS.test(c));
    return `character '${bad}' not allowed (use systemd-escape style \\xNN escapes)`;
  }
  if (stem.startsWith('@')) return "empty prefix before '@'";
  return undefined;
}

/** `app@1.service` → `app@.service`; a template is returned as is. */
export function templateOf(name: string): string {
  const parsed = parseUnitName(name);
  if (parsed.instance === undefined) throw new RangeError(`'${name}' is neither a template nor an instance`);
  return `${parsed.prefix}@.${parsed.type}`;
}

/** `('app@.service', '1')` → `app@1.service`. The instance must already be escaped. */
export function instanceName(template: string, instance: string): string {
  const parsed = parseUnitName(template);
  if (!parsed.isTemplate) throw new RangeError(`'${template}' is not a template (prefix@.type)`);
  if (instance === '') throw new RangeError(`empty instance for template '${template}'`);
  const name = `${parsed.prefix}@${instance}.${parsed.type}`;
  const problem = unitNameProblem(name);
  if (problem) throw new RangeError(`instance '${instance}' of '${template}' makes an invalid unit name: ${problem}`);
  return name;
}

/** The name without its type suffix: `%N`. */
export function unitNameWithoutSuffix(name: string): string {
  const parsed = parseUnitName(name);
  return parsed.instance === undefined ? parsed.prefix : `${parsed.prefix}@${parsed.instance}`;
}

/**
 * Escapes text for use in a unit name as systemd-escape does: `/` becomes `-`; `-`, `\` and
 * bytes outside `[A-Za-z0-9:_.]` become `\xNN` (per UTF-8 byte); a leading `.` is escaped too.
 */
export function escapeUnitNamePart(text: string): string {
  let out = '';
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const c = String.fromCharCode(byte);
    if (i === 0 && c === '.') out += hexEscape(byte);
    else if (c === '/') out += '-';
    else if (byte < 0x80 && UNESCAPED_CHARS.test(c)) out += c;
    else out += hexEscape(byte);
  }
  return out;
}

/** Undoes escapeUnitNamePart: `-` becomes `/`, `\xNN` a byte. Any other backslash is an error. */
export function unescapeUnitNamePart(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '-') {
      bytes.push(0x2f);
    } else if (c === '\\') {
      const hex = text.slice(i + 2, i + 4);
      if (text[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new RangeError(`invalid escape at offset ${i} in '${text}': expected \\xNN`);
      }
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Escapes a path as `systemd-escape --path` does: redundant slashes and `.` components dropped,
 * leading and trailing slashes removed, the rest escaped; the root is `-`. `..` is refused.
 */
export function escapeUnitPath(path: string): string {
  const components = path.split('/').filter((part) => part !== '' && part !== '.');
  if (components.includes('..')) throw new RangeError(`path '${path}' is not normalized ('..' components)`);
  if (components.length === 0) return '-';
  return escapeUnitNamePart(components.join('/'));
}

/** Undoes escapeUnitPath (`%f`): `-` is `/`, anything else gets a leading `/` after unescaping. */
export function unescapeUnitPath(text: string): string {
  if (text === '') throw new RangeError('cannot unescape an empty path');
  if (text === '-') return '/';
  const inner = unescapeUnitNamePart(text);
  if (inner.startsWith('/') || inner.endsWith('/')) {
    throw new RangeError(`'${text}' unescapes to '${inner}', which has a leading or trailing slash`);
  }
  const path = `/${inner}`;
  const components = inner.split('/');
  if (components.some((part) => part === '' || part === '.' || part === '..')) {
    throw new RangeError(`'${text}' unescapes to '${path}', which is not a normalized path`);
  }
  return path;
}

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}
