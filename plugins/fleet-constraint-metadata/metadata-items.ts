/**
 * [X-Fleet] MachineMetadata= items: fleet's `key=value`, plus `key!=value`, numeric
 * comparisons and `key=~regex`.
 */

export type MetadataOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '=~';

export interface MetadataItem {
  /** The item as written. */
  text: string;
  key: string;
  operator: MetadataOperator;
  value: string;
}

export type ParsedItem = { ok: true; item: MetadataItem } | { ok: false; problem: string };

/** Metadata values of one key on a machine; a missing key is an empty list. */
type Check = (values: readonly string[]) => string | undefined;

/** One condition a machine's metadata must meet; `check` returns why it does not. */
export interface MetadataRequirement {
  key: string;
  check: Check;
}

// The key stops at the first operator character; alternatives are tried longest first.
const ITEM = /^([^!<>=]*)(!=|<=|>=|=~|=|<|>)(.*)$/s;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const SYNTAX = 'expected key=value, key!=value, key<N, key<=N, key>N, key>=N or key=~regex';

export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function parseMetadataItem(text: string): ParsedItem {
  const match = ITEM.exec(text);
  const fail = (problem: string): ParsedItem => ({ ok: false, problem: `MachineMetadata item "${text}" ${problem}` });
  if (!match) return fail(`is malformed: ${SYNTAX}`);
  const [, key, operator, value] = match as unknown as [string, string, MetadataOperator, string];
  if (key === '') return fail('has no key');
  if (value === '') return fail('has no value');
  if (isComparison(operator) && parseNumber(value) === undefined) return fail(`compares with "${value}", which is not a number`);
  if (operator === '=~') {
    try {
      new RegExp(value);
    } catch (error) {
      return fail(`has an invalid regular expression: ${(error as Error).message}`);
    }
  }
  return { ok: true, item: { text, key, operator, value } };
}

function isComparison(operator: MetadataOperator): operator is '<' | '<=' | '>' | '>=' {
  return operator === '<' || operator === '<=' || operator === '>' || operator === '>=';
}

const COMPARE: Record<'<' | '<=' | '>' | '>=', (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/**
 * The conditions the items set, in the order they are written: the `=` items of one key become
 * one condition (any of their values), every other item a condition of its own.
 */
export function metadataRequirements(items: readonly MetadataItem[]): MetadataRequirement[] {
  const requirements: MetadataRequirement[] = [];
  const equalities = new Map<string, Set<string>>();
  for (const item of items) {
    if (item.operator !== '=') {
      requirements.push({ key: item.key, check: checkFor(item) });
      continue;
    }
    const wanted = equalities.get(item.key);
    if (wanted) {
      wanted.add(item.value);
      continue;
    }
    const values = new Set([item.value]);
    equalities.set(item.key, values);
    requirements.push({ key: item.key, check: equalityCheck(item.key, values) });
  }
  return requirements;
}

const missing = (key: string) => `metadata ${key} is missing`;
const found = (key: string, values: readonly string[]) => `metadata ${key} is ${values.join(',')}`;

function equalityCheck(key: string, wanted: ReadonlySet<string>): Check {
  return (values) => {
    if (values.length === 0) return missing(key);
    if (values.some((value) => wanted.has(value))) return undefined;
    return `${found(key, values)}, unit requires ${[...wanted].join(' or ')}`;
  };
}

function checkFor(item: MetadataItem): Check {
  const { key, operator, value } = item;
  const unmet = (values: readonly string[]) => `${found(key, values)}, unit requires ${operator} ${value}`;
  switch (operator) {
    case '!=':
      return (values) => (values.includes(value) ? unmet(values) : undefined);
    case '=~': {
      const pattern = new RegExp(value);
      return (values) => {
        if (values.length === 0) return missing(key);
        return values.some((v) => pattern.test(v)) ? undefined : unmet(values);
      };
    }
    case '=':
      return equalityCheck(key, new Set([value]));
    default: {
      const compare = COMPARE[operator];
      const bound = parseNumber(value)!;
      return (values) => {
        if (values.length === 0) return missing(key);
        const numbers = values.map(parseNumber).filter((n): n is number => n !== undefined);
        if (numbers.length === 0) return `${found(key, values)}, not a number`;
        return numbers.some((n) => compare(n, bound)) ? undefined : unmet(values);
      };
    }
  }
}
