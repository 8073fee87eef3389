import { splitList, timeSpan, type BuildContext } from './build-context.js';
import type { ConditionKind, UnitCondition, UnitDefaults, UnitDefinition, UnitDependencies, UnitEntry } from './definition.js';
import { CONDITION_KINDS } from './directives.js';
import { splitWords } from './quoting.js';
import { instanceName, isValidUnitName, parseUnitName } from './unit-name.js';
import { parseBoolean, parseUnsignedInteger } from './values.js';

/** The [Unit] settings a definition carries. */
export type UnitSectionSettings = Pick<
  UnitDefinition,
  'description' | 'documentation' | 'deps' | 'defaultDependencies' | 'stopWhenUnneeded' | 'conditions' | 'startLimitIntervalUs' | 'startLimitBurst'
>;

const SECTION = 'Unit';

const DEPENDENCY_KEYS: Readonly<Record<string, keyof UnitDependencies>> = {
  Requires: 'requires',
  Wants: 'wants',
  Requisite: 'requisite',
  BindsTo: 'bindsTo',
  // The old spelling, still accepted.
  BindTo: 'bindsTo',
  PartOf: 'partOf',
  Upholds: 'upholds',
  Conflicts: 'conflicts',
  After: 'after',
  Before: 'before',
  OnFailure: 'onFailure',
  OnSuccess: 'onSuccess',
};

/** The condition kinds the supervisor checks; the others systemd knows are warned about and ignored. */
export const SUPPORTED_CONDITION_KINDS: readonly ConditionKind[] = [
  'PathExists',
  'PathExistsGlob',
  'PathIsDirectory',
  'PathIsSymbolicLink',
  'PathIsReadWrite',
  'DirectoryNotEmpty',
  'FileNotEmpty',
  'FileIsExecutable',
  'Environment',
  'Host',
  'User',
  'Group',
  'Architecture',
  'KernelCommandLine',
  'Virtualization',
  'FirstBoot',
  'CPUs',
  'Memory',
];

/** Kinds whose argument is a path, which must be absolute. */
const PATH_CONDITION_KINDS = new Set([
  'PathExists',
  'PathExistsGlob',
  'PathIsDirectory',
  'PathIsSymbolicLink',
  'PathIsMountPoint',
  'PathIsReadWrite',
  'PathIsEncrypted',
  'DirectoryNotEmpty',
  'FileNotEmpty',
  'FileIsExecutable',
  'NeedsUpdate',
]);

/** [Unit] keys this module reads, besides Condition…= and Assert…=. */
export const UNIT_SECTION_KEYS: readonly string[] = [
  'Description',
  'Documentation',
  ...Object.keys(DEPENDENCY_KEYS),
  'DefaultDependencies',
  'StopWhenUnneeded',
  'StartLimitIntervalSec',
  'StartLimitInterval',
  'StartLimitBurst',
];

function emptyDependencies(): UnitDependencies {
  return {
    requires: [],
    wants: [],
    requisite: [],
    bindsTo: [],
    partOf: [],
    upholds: [],
    conflicts: [],
    after: [],
    before: [],
    onFailure: [],
    onSuccess: [],
  };
}

/** Types the [Unit] section's entries; `legacyService` holds [Service]'s StartLimitInterval=/StartLimitBurst=. */
export function buildUnitSection(
  ctx: BuildContext,
  entries: readonly UnitEntry[],
  defaults: UnitDefaults,
  legacyService: readonly UnitEntry[] = [],
): UnitSectionSettings {
  const settings: UnitSectionSettings = {
    documentation: [],
    deps: emptyDependencies(),
    defaultDependencies: true,
    stopWhenUnneeded: false,
    conditions: [],
    startLimitIntervalUs: defaults.startLimitIntervalUs,
    startLimitBurst: defaults.startLimitBurst,
  };

  for (const entry of entries) {
    const { key, value } = entry;
    const dependency = Object.hasOwn(DEPENDENCY_KEYS, key) ? DEPENDENCY_KEYS[key] : undefined;
    if (dependency) {
      addDependencies(ctx, entry, settings.deps[dependency]);
      continue;
    }
    const condition = /^(Condition|Assert)(.+)$/.exec(key);
    if (condition) {
      addCondition(ctx, entry, condition[1] === 'Assert', condition[2]!, settings.conditions);
      continue;
    }
    switch (key) {
      case 'Description':
        settings.description = value === '' ? undefined : (ctx.expand(SECTION, entry, value) ?? settings.description);
        break;
      case 'Documentation':
        addDocumentation(ctx, entry, settings.documentation);
        break;
      case 'DefaultDependencies':
        settings.defaultDependencies = ctx.parse(SECTION, entry, parseBoolean) ?? settings.defaultDependencies;
        break;
      case 'StopWhenUnneeded':
        settings.stopWhenUnneeded = ctx.parse(SECTION, entry, parseBoolean) ?? settings.stopWhenUnneeded;
        break;
    }
  }
  for (const [section, list] of [[SECTION, entries] as const, ['Service', legacyService] as const]) {
    for (const entry of list) {
      if (entry.key === 'StartLimitIntervalSec' || entry.key === 'StartLimitInterval') {
        settings.startLimitIntervalUs = ctx.parse(section, entry, timeSpan) ?? settings.startLimitIntervalUs;
      } else if (entry.key === 'StartLimitBurst') {
        settings.startLimitBurst = ctx.parse(section, entry, parseUnsignedInteger) ?? settings.startLimitBurst;
      }
    }
  }
  return settings;
}

/**
 * Unit names, specifiers expanded; a template gets this unit's instance (or, for a unit that
 * is not an instance, its prefix). An empty assignment does nothing: systemd.unit(5) says
 * dependencies cannot be reset, so drop-ins can only add to them.
 */
function addDependencies(ctx: BuildContext, entry: UnitEntry, into: string[]): void {
  for (const word of splitList(entry.value)) {
    const name = unitNameFromWord(ctx, SECTION, entry, word);
    if (name === undefined) continue;
    if (name !== ctx.unitName && !into.includes(name)) into.push(name);
  }
}

/** A unit name written in a setting, specifiers expanded, templates instantiated; a warning and undefined when invalid. */
export function unitNameFromWord(ctx: BuildContext, section: string, entry: UnitEntry, word: string): string | undefined {
  const expanded = ctx.expand(section, entry, word);
  if (expanded === undefined) return undefined;
  if (!isValidUnitName(expanded)) {
    ctx.warn(section, entry, `invalid unit name '${expanded}', ignoring`);
    return undefined;
  }
  const parsed = parseUnitName(expanded);
  if (!parsed.isTemplate) return expanded;
  const own = isValidUnitName(ctx.unitName) ? parseUnitName(ctx.unitName) : undefined;
  const instance = own?.isInstance ? own.instance! : own?.prefix;
  try {
    return instanceName(expanded, instance!);
  } catch {
    ctx.warn(section, entry, `cannot instantiate template '${expanded}' for this unit, ignoring`);
    return undefined;
  }
}

/** http(s)://, file:/, info: and man: URLs (systemd.unit(5) Documentation=). */
function isDocumentationUrl(url: string): boolean {
  if (!/^[\x21-\x7e]+$/.test(url)) return false;
  if (/^https?:\/\/./.test(url)) return true;
  if (url.startsWith('file:/')) return true;
  return /^(info|man):./.test(url);
}

function addDocumentation(ctx: BuildContext, entry: UnitEntry, into: string[]): void {
  if (entry.value === '') {
    into.length = 0;
    return;
  }
  const { words, error } = splitWords(entry.value);
  if (error) ctx.warn(SECTION, entry, `${error}, ignoring the rest`);
  for (const word of words) {
    const url = ctx.expand(SECTION, entry, word);
    if (url === undefined) continue;
    if (isDocumentationUrl(url)) into.push(url);
    else ctx.warn(SECTION, entry, `invalid documentation URL '${url}' (expected http://, https://, file:, info: or man:), ignoring`);
  }
}

/**
 * `[|][!]argument`: the marks in that order, each optionally followed by whitespace. An empty
 * value resets the conditions (or, for Assert…=, the asserts) set so far.
 */
function addCondition(ctx: BuildContext, entry: UnitEntry, assert: boolean, kind: string, into: UnitCondition[]): void {
  if (!CONDITION_KINDS.includes(kind) || (assert && kind === 'Firmware')) return;
  let rest = entry.value;
  if (rest === '') {
    const kept = into.filter((c) => c.assert !== assert);
    into.length = 0;
    into.push(...kept);
    return;
  }
  const trigger = rest.startsWith('|');
  if (trigger) rest = rest.slice(1).trimStart();
  const negate = rest.startsWith('!');
  if (negate) rest = rest.slice(1).trimStart();

  const value = ctx.expand(SECTION, entry, rest);
  if (value === undefined) return;
  if (PATH_CONDITION_KINDS.has(kind) && !value.startsWith('/')) {
    ctx.warn(SECTION, entry, `path '${value}' is not absolute, ignoring`);
    return;
  }
  if (!(SUPPORTED_CONDITION_KINDS as readonly string[]).includes(kind)) {
    ctx.warn(SECTION, entry, `${assert ? 'Assert' : 'Condition'}${kind}= is not supported here, ignoring it: the unit starts as if it held`);
    return;
  }
  into.push({ kind: kind as ConditionKind, assert, trigger, negate, value, file: entry.file, line: entry.line });
}
