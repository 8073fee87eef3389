import { splitList, type BuildContext } from './build-context.js';
import type { InstallSettings, UnitEntry } from './definition.js';
import { instanceName, isValidUnitName, parseUnitName, type ParsedUnitName } from './unit-name.js';

const SECTION = 'Install';

const LIST_KEYS = {
  WantedBy: 'wantedBy',
  RequiredBy: 'requiredBy',
  Alias: 'alias',
  Also: 'also',
} as const satisfies Record<string, keyof InstallSettings>;

export const INSTALL_SECTION_KEYS: readonly string[] = [...Object.keys(LIST_KEYS), 'DefaultInstance'];

/**
 * Types [Install] (read by enable and disable only). Lists take unit names, specifiers expanded;
 * an empty assignment resets a list. Alias= names must have the unit's type, and a template's
 * aliases must be templates.
 */
export function buildInstallSection(ctx: BuildContext, entries: readonly UnitEntry[]): InstallSettings {
  const install: InstallSettings = { wantedBy: [], requiredBy: [], alias: [], also: [] };
  const own = isValidUnitName(ctx.unitName) ? parseUnitName(ctx.unitName) : undefined;

  for (const entry of entries) {
    if (entry.key === 'DefaultInstance') {
      if (entry.value === '') delete install.defaultInstance;
      else install.defaultInstance = defaultInstance(ctx, entry, own?.isTemplate ? ctx.unitName : undefined) ?? install.defaultInstance;
      continue;
    }
    if (!Object.hasOwn(LIST_KEYS, entry.key)) continue;
    const field = LIST_KEYS[entry.key as keyof typeof LIST_KEYS];
    const list = install[field];
    if (entry.value === '') {
      list.length = 0;
      continue;
    }
    for (const word of splitList(entry.value)) {
      const name = ctx.expand(SECTION, entry, word);
      if (name === undefined) continue;
      if (!isValidUnitName(name)) {
        ctx.warn(SECTION, entry, `invalid unit name '${name}', ignoring`);
        continue;
      }
      const listed = field === 'alias' && own ? aliasName(ctx, entry, own, name) : name;
      if (listed !== undefined && !list.includes(listed)) list.push(listed);
    }
  }
  return install;
}

/** The alias as the unit's link name: a template alias of an instance gets its instance. */
function aliasName(ctx: BuildContext, entry: UnitEntry, own: ParsedUnitName, name: string): string | undefined {
  const alias = parseUnitName(name);
  if (alias.type !== own.type) {
    ctx.warn(SECTION, entry, `alias '${name}' is not a .${own.type} unit, ignoring`);
    return undefined;
  }
  if (own.isInstance && alias.isTemplate) {
    try {
      return instanceName(name, own.instance!);
    } catch (err) {
      ctx.warn(SECTION, entry, `${(err as Error).message}, ignoring`);
      return undefined;
    }
  }
  if (own.isTemplate !== alias.isTemplate || (own.isInstance && !alias.isInstance)) {
    ctx.warn(SECTION, entry, `alias '${name}' and the unit must both be templates, instances or plain names, ignoring`);
    return undefined;
  }
  return name;
}

function defaultInstance(ctx: BuildContext, entry: UnitEntry, template: string | undefined): string | undefined {
  if (entry.value === '') return undefined;
  const instance = ctx.expand(SECTION, entry, entry.value);
  if (instance === undefined || template === undefined) return instance;
  try {
    instanceName(template, instance);
    return instance;
  } catch (err) {
    ctx.warn(SECTION, entry, `${(err as Error).message}, ignoring`);
    return undefined;
  }
}
