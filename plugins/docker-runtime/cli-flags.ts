import { ContainerSpecError } from './container-spec.js';

/**
 * Flag syntax as the docker CLI reads it: `--flag value`, `--flag=value`, `-f value`, `-fvalue`,
 * `-f=value`, short booleans bundled (`-it`, `-itp 80`), `--bool=false`, and `--` ending the flags.
 */

export interface FlagSpec {
  /** Long names without the dashes. */
  long: readonly string[];
  /** One-letter name. */
  short?: string;
  takesValue: boolean;
}

export type FlagTable<K extends string> = Readonly<Record<K, FlagSpec>>;

export interface FlagOccurrence<K extends string> {
  key: K;
  /** The flag as written (`--name`, `-e`), for messages. */
  spelled: string;
  /** The value; for a boolean, what followed `=`, or undefined when nothing did. */
  value: string | undefined;
}

export interface ParsedFlags<K extends string> {
  flags: FlagOccurrence<K>[];
  operands: string[];
}

export interface ParseFlagsOptions {
  /** What the flags belong to (`docker run`), for messages. */
  command: string;
  /** Whether flags may follow operands (`docker kill a -s HUP`); when not, the first operand ends the flags (`docker run`). */
  interspersed: boolean;
}

export function parseFlags<K extends string>(table: FlagTable<K>, args: readonly string[], options: ParseFlagsOptions): ParsedFlags<K> {
  const byLong = new Map<string, K>();
  const byShort = new Map<string, K>();
  for (const key of Object.keys(table) as K[]) {
    for (const name of table[key].long) byLong.set(name, key);
    if (table[key].short) byShort.set(table[key].short!, key);
  }

  const flags: FlagOccurrence<K>[] = [];
  const operands: string[] = [];
  const unknown = (spelled: string) => new ContainerSpecError(`unknown ${options.command} flag ${spelled}`);
  const needsValue = (spelled: string) => new ContainerSpecError(`${options.command} flag ${spelled} needs a value`);

  let i = 0;
  while (i < args.length) {
    const arg = args[i++]!;
    if (arg === '--') {
      operands.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      if (!options.interspersed) {
        operands.push(...args.slice(i));
        break;
      }
      continue;
    }

    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spelled = `--${name}`;
      const key = byLong.get(name);
      if (key === undefined) throw unknown(spelled);
      let value = eq < 0 ? undefined : arg.slice(eq + 1);
      if (table[key].takesValue && value === undefined) {
        if (i >= args.length) throw needsValue(spelled);
        value = args[i++]!;
      }
      flags.push({ key, spelled, value });
      continue;
    }

    const letters = arg.slice(1);
    for (let at = 0; at < letters.length; at++) {
      const spelled = `-${letters[at]}`;
      const key = byShort.get(letters[at]!);
      if (key === undefined) throw unknown(spelled);
      const rest = letters.slice(at + 1);
      if (rest.startsWith('=')) {
        flags.push({ key, spelled, value: rest.slice(1) });
        break;
      }
      if (!table[key].takesValue) {
        flags.push({ key, spelled, value: undefined });
        continue;
      }
      if (rest !== '') {
        flags.push({ key, spelled, value: rest });
        break;
      }
      if (i >= args.length) throw needsValue(spelled);
      flags.push({ key, spelled, value: args[i++]! });
    }
  }
  return { flags, operands };
}
