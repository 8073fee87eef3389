import type { FlagOccurrence } from './cli-flags.js';
import { ContainerSpecError } from './container-spec.js';

/** Flag values in the docker CLI's formats. Each throws ContainerSpecError naming the flag. */

const TRUE_WORDS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A boolean flag: set when given bare, else the Go spelling after `=` (`--rm=false`). */
export function booleanValue(flag: FlagOccurrence<string>): boolean {
  if (flag.value === undefined || TRUE_WORDS.has(flag.value)) return true;
  if (FALSE_WORDS.has(flag.value)) return false;
  throw new ContainerSpecError(`invalid value '${flag.value}' for ${flag.spelled}: expected true or false`);
}

/** The value of a flag that takes one (the flag parser always gives it one). */
export function stringValue(flag: FlagOccurrence<string>): string {
  return flag.value ?? '';
}

export function integerValue(flag: FlagOccurrence<string>): number {
  const text = stringValue(flag);
  if (!/^-?\d+$/.test(text)) throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: expected a whole number`);
  return Number.parseInt(text, 10);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** `512m`, `1g`, `1.5g`, `100k`, `1024` (bytes); binary multiples, as docker's --memory. */
export function memoryBytesValue(flag: FlagOccurrence<string>): number {
  const text = stringValue(flag);
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text);
  if (!match) {
    throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: expected a size such as 512m or 1g (units b, k, m, g)`);
  }
  return Math.trunc(Number(match[1]) * MEMORY_UNITS[(match[2] ?? '').toLowerCase()]!);
}

const NANO_DIGITS = 9;

/** `--cpus 1.5` → 1 500 000 000 nano-CPUs, computed on the digits so that no rounding creeps in. */
export function nanoCpusValue(flag: FlagOccurrence<string>): number {
  const text = stringValue(flag);
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && !match[2])) {
    throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: expected a number of CPUs such as 0.5 or 2`);
  }
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > NANO_DIGITS) throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: more precise than a billionth of a CPU`);
  return Number(match[1] || '0') * 10 ** NANO_DIGITS + Number(fraction.padEnd(NANO_DIGITS, '0'));
}
