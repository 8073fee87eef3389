import { createHash } from 'node:crypto';
import { BuildContext } from './build-context.js';
import { buildInstallSection, INSTALL_SECTION_KEYS } from './build-install-section.js';
import { buildServiceSection, SERVICE_SECTION_KEYS } from './build-service-section.js';
import { buildUnitSection, UNIT_SECTION_KEYS } from './build-unit-section.js';
import type { SpecifierContext, UnitDefaults, UnitDefinition, UnitDiagnostic, UnitEntry, UnitKind, UnitSection } from './definition.js';
import { classifySection, directiveWarnings, isExtensionName, isKnownKey, sectionHeaders } from './directives.js';
import type { LoadedUnit, UnitText } from './loader.js';
import { sectionsToMap } from './syntax.js';
import { isValidUnitName, parseUnitName, type UnitType } from './unit-name.js';

const RUNNABLE_KINDS: readonly UnitType[] = ['service', 'target'];

/**
 * Types a loaded unit as definition.ts describes it, as systemd does when it loads a unit:
 * defaults filled in, specifiers expanded where systemd expands them, empty assignments resetting
 * lists, invalid values warned about and ignored, and problems that stop the unit from loading
 * (systemd's bad-setting) reported as errors.
 *
 * A unit that is masked, missing, badly named or of a type not run here gets an error; its kind
 * is then `target`, inert.
 */
export function buildDefinition(loaded: LoadedUnit, ctx: SpecifierContext, defaults: UnitDefaults): UnitDefinition {
  const file = loaded.fragmentPath ?? loaded.name;
  const type = isValidUnitName(loaded.name) ? parseUnitName(loaded.name).type : undefined;
  const build = new BuildContext(loaded.name, { ...ctx, unitName: loaded.name, fragmentPath: loaded.fragmentPath });

  if (type === undefined) {
    build.unitProblem('error', file, `invalid unit name '${loaded.name}'`);
  } else if (loaded.masked) {
    build.unitProblem('error', file, `Unit ${loaded.name} is masked.`);
  } else if (loaded.notFound) {
    build.unitProblem('error', file, `Unit ${loaded.name} not found.`);
  } else if (!RUNNABLE_KINDS.includes(type)) {
    build.unitProblem('error', file, `unit type '.${type}' not supported: only .service and .target units run here`);
  }
  const usable = type !== undefined && !loaded.masked && !loaded.notFound;
  const sections = usable ? loaded.sections : [];
  const entriesOf = (section: string) => sectionEntries(sections, section);
  if (usable) build.diagnostics.push(...directiveWarnings(type, sections, loaded.texts.flatMap((t) => sectionHeaders(t.path, t.text))));

  const unit = buildUnitSection(build, entriesOf('Unit'), defaults, type === 'service' ? entriesOf('Service') : []);
  const install = buildInstallSection(build, entriesOf('Install'));
  const kind: UnitKind = type === 'service' ? 'service' : 'target';
  const service =
    usable && type === 'service' ? buildServiceSection(build, entriesOf('Service'), defaults, { file, hasSuccessAction: hasSuccessAction(entriesOf('Unit')) }) : undefined;

  return {
    name: loaded.name,
    kind,
    ...(loaded.fragmentPath !== undefined && { fragmentPath: loaded.fragmentPath }),
    dropInPaths: loaded.dropInPaths,
    ...(unit.description !== undefined && { description: unit.description }),
    documentation: unit.documentation,
    deps: unit.deps,
    defaultDependencies: unit.defaultDependencies,
    stopWhenUnneeded: unit.stopWhenUnneeded,
    conditions: unit.conditions,
    startLimitIntervalUs: unit.startLimitIntervalUs,
    startLimitBurst: unit.startLimitBurst,
    ...(service && { service }),
    install,
    sections: sectionsToMap(loaded.sections),
    hash: hashTexts(loaded.texts),
    diagnostics: inFileOrder([...loaded.diagnostics, ...build.diagnostics], loaded.texts),
  };
}

/**
 * What `verify` reports for a unit of any type: a definition's diagnostics for the types run
 * here; for the others (sockets, timers, mounts…), which are only checked, syntax, unknown
 * sections and keys, and the [Unit] and [Install] settings.
 */
export function checkUnit(loaded: LoadedUnit, ctx: SpecifierContext, defaults: UnitDefaults): UnitDiagnostic[] {
  const type = isValidUnitName(loaded.name) ? parseUnitName(loaded.name).type : undefined;
  if (type === undefined || RUNNABLE_KINDS.includes(type) || loaded.masked || loaded.notFound) {
    return buildDefinition(loaded, ctx, defaults).diagnostics;
  }
  const build = new BuildContext(loaded.name, { ...ctx, unitName: loaded.name, fragmentPath: loaded.fragmentPath });
  build.diagnostics.push(...directiveWarnings(type, loaded.sections, loaded.texts.flatMap((t) => sectionHeaders(t.path, t.text))));
  buildUnitSection(build, sectionEntries(loaded.sections, 'Unit'), defaults);
  buildInstallSection(build, sectionEntries(loaded.sections, 'Install'));
  return inFileOrder([...loaded.diagnostics, ...build.diagnostics], loaded.texts);
}

/** A setting systemd knows that this runtime reads but does not act on. */
export interface UnsupportedSetting {
  section: string;
  key: string;
  file: string;
  line: number;
}

const READ_KEYS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Unit', new Set(UNIT_SECTION_KEYS)],
  ['Service', new Set(SERVICE_SECTION_KEYS)],
  ['Install', new Set(INSTALL_SECTION_KEYS)],
]);

/**
 * Settings of a .service or .target unit that systemd knows and this runtime ignores (not
 * warnings: the file is valid). Conditions of kinds not checked here are warnings instead.
 */
export function unsupportedSettings(loaded: LoadedUnit): UnsupportedSetting[] {
  if (!isValidUnitName(loaded.name)) return [];
  const type = parseUnitName(loaded.name).type;
  if (!RUNNABLE_KINDS.includes(type)) return [];
  const found: UnsupportedSetting[] = [];
  for (const section of loaded.sections) {
    if (classifySection(type, section.name) !== 'known') continue;
    for (const { key, file, line } of section.entries) {
      if (isExtensionName(key) || !isKnownKey(section.name, key)) continue;
      if (section.name === 'Unit' && /^(Condition|Assert)/.test(key)) continue;
      if (!READ_KEYS.get(section.name)?.has(key)) found.push({ section: section.name, key, file, line });
    }
  }
  return found;
}

function sectionEntries(sections: readonly UnitSection[], name: string): UnitEntry[] {
  return sections.find((s) => s.name === name)?.entries ?? [];
}

/** SuccessAction= other than `none` lets a service have no ExecStart= (systemd.unit(5)). */
function hasSuccessAction(unitEntries: readonly UnitEntry[]): boolean {
  const last = unitEntries.filter((e) => e.key === 'SuccessAction').at(-1);
  return last !== undefined && last.value.trim() !== '' && last.value.trim() !== 'none';
}

/** sha256 of the texts one after the other, hex. */
export function hashTexts(texts: readonly UnitText[]): string {
  const hash = createHash('sha256');
  for (const { text } of texts) hash.update(text);
  return hash.digest('hex');
}

/** Diagnostics by file (fragment, then drop-ins, as applied) and line; unit-wide ones (line 0) last. */
function inFileOrder(diagnostics: UnitDiagnostic[], texts: readonly UnitText[]): UnitDiagnostic[] {
  const rank = (d: UnitDiagnostic) => {
    if (d.line === 0) return texts.length;
    const index = texts.findIndex((t) => t.path === d.file);
    return index < 0 ? texts.length : index;
  };
  return diagnostics
    .map((d, order) => ({ d, order }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.d.line - b.d.line || a.order - b.order)
    .map(({ d }) => d);
}
