import { createHash } from 'node:crypto';
import type { UnitOption } from '../../../core/index.js';

/** A unit file the options reader cannot take, with the line it stopped at. */
export class UnitOptionsError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'UnitOptionsError';
  }
}

const isComment = (line: string) => line.startsWith('#') || line.startsWith(';');

/**
 * Reads a unit file into fleet's option list, as fleetctl does before it submits: sections and
 * options in file order, comments dropped, a trailing backslash joins the next line with a space.
 */
export function parseUnitOptions(text: string): UnitOption[] {
  const lines = text.split(/\r?\n/);
  const options: UnitOption[] = [];
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (isComment(line)) {
      while (lines[i]!.trimEnd().endsWith('\\') && i + 1 < lines.length) i++;
      continue;
    }
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end === -1) throw new UnitOptionsError(lineNo, 'unable to find end of section');
      if (line.slice(end + 1).trim() !== '') throw new UnitOptionsError(lineNo, `found garbage after section name ${line.slice(1, end)}`);
      section = line.slice(1, end);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) throw new UnitOptionsError(lineNo, `expected Name=Value, found "${line}"`);
    if (section === undefined) throw new UnitOptionsError(lineNo, `option "${line.slice(0, eq).trim()}" is outside any [Section]`);
    let value = line.slice(eq + 1);
    while (value.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      value = `${value.trimEnd().slice(0, -1)} ${lines[++i]!}`;
    }
    if (value.trimEnd().endsWith('\\')) value = value.trimEnd().slice(0, -1);
    options.push({ section, name: line.slice(0, eq).trim(), value: value.trim() });
  }
  return options;
}

/**
 * The unit file fleet stores and hashes: sections in order of first appearance, each
 * `[Section]` then its `Name=Value` lines, a blank line between sections.
 */
export function serializeUnitOptions(options: readonly UnitOption[]): string {
  const sections = new Map<string, UnitOption[]>();
  for (const option of options) {
    const list = sections.get(option.section);
    if (list) list.push(option);
    else sections.set(option.section, [option]);
  }
  return [...sections]
    .map(([section, list]) => `[${section}]\n${list.map((o) => `${o.name}=${o.value}\n`).join('')}`)
    .join('\n');
}

/** SHA-1 of the serialized options, in hex: the hash fleetctl shows and compares. */
export function unitHash(options: readonly UnitOption[]): string {
  return createHash('sha1').update(serializeUnitOptions(options)).digest('hex');
}

export function sameOptions(a: readonly UnitOption[], b: readonly UnitOption[]): boolean {
  return a.length === b.length && a.every((o, i) => o.section === b[i]!.section && o.name === b[i]!.name && o.value === b[i]!.value);
}
