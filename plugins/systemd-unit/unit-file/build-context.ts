import type { Severity, UnitDiagnostic, UnitEntry } from './definition.js';
import { expandSpecifiers, type SpecifierExpansionContext } from './specifiers.js';
import { parseTimeSpanUs } from './values.js';

/**
 * What the section builders share while typing one unit: where diagnostics go and how
 * specifiers expand. A bad value is a warning and the setting is ignored, as systemd does; an
 * error makes the unit unloadable (systemd's bad-setting).
 */
export class BuildContext {
  readonly diagnostics: UnitDiagnostic[] = [];

  constructor(
    readonly unitName: string,
    readonly specifiers: SpecifierExpansionContext,
  ) {}

  warn(section: string, entry: UnitEntry, message: string): void {
    this.report('warning', section, entry, message);
  }

  error(section: string, entry: UnitEntry, message: string): void {
    this.report('error', section, entry, message);
  }

  /** A problem with the unit as a whole, reported against its file. */
  unitProblem(severity: Severity, file: string, message: string): void {
    this.diagnostics.push({ severity, file, line: 0, message });
  }

  /** `text` with specifiers expanded; on failure a diagnostic (warning unless `severity` says) and undefined. */
  expand(section: string, entry: UnitEntry, text: string, severity: Severity = 'warning'): string | undefined {
    try {
      return expandSpecifiers(text, this.specifiers);
    } catch (err) {
      this.report(severity, section, entry, `cannot expand specifiers in '${text}': ${(err as Error).message}, ignoring`);
      return undefined;
    }
  }

  /** Throws what expandSpecifiers throws: for parsers that report expansion failures themselves. */
  expandOrThrow(text: string): string {
    return expandSpecifiers(text, this.specifiers);
  }

  /** `parse(entry.value)`, or a warning naming the bad value and undefined when it throws a RangeError. */
  parse<T>(section: string, entry: UnitEntry, parse: (value: string) => T): T | undefined {
    try {
      return parse(entry.value);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      this.warn(section, entry, `${err.message}, ignoring`);
      return undefined;
    }
  }

  /** One of `choices`, or a warning listing them and undefined. */
  choice<T extends string>(section: string, entry: UnitEntry, choices: readonly T[]): T | undefined {
    const value = entry.value.trim();
    if ((choices as readonly string[]).includes(value)) return value as T;
    this.warn(section, entry, `invalid value '${entry.value}' (expected ${choices.join(', ')}), ignoring`);
    return undefined;
  }

  private report(severity: Severity, section: string, entry: UnitEntry, message: string): void {
    this.diagnostics.push({ severity, file: entry.file, line: entry.line, section, key: entry.key, message });
  }
}

/** Whitespace-separated words, as dependency and [Install] lists are written (escapes kept). */
export function splitList(value: string): string[] {
  return value.split(/[ \t\n\r]+/).filter((word) => word !== '');
}

/** A time span in microseconds that must be written out: systemd refuses an empty one. */
export function timeSpan(value: string): number {
  const us = parseTimeSpanUs(value);
  if (us === undefined) throw new RangeError(`invalid time span '': empty`);
  return us;
}
