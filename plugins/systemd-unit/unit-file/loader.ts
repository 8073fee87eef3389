import { readFile } from 'node:fs/promises';
import type { UnitDiagnostic, UnitSection } from './definition.js';
import { findDropIns } from './drop-ins.js';
import { parseUnitText } from './syntax.js';
import { instanceName, isValidUnitName, parseUnitName, templateOf } from './unit-name.js';
import { searchPathStamp, UnitNameMap, type UnitFileEntry } from './unit-paths.js';

/** Where a unit's file is, as the search path resolves its name. */
export interface UnitFragment {
  /** The unit's own name, instance included: an alias resolves to the name of the unit it stands for. */
  name: string;
  /** Other names of the same unit: the alias asked for, and aliases in the search path. */
  aliases: string[];
  /** The file to read; absent when masked. For an instance without a file of its own, the template's. */
  path?: string;
  masked: boolean;
}

export interface UnitText {
  path: string;
  text: string;
}

export interface LoadedUnit {
  /** The unit's own name (see UnitFragment.name). */
  name: string;
  aliases: string[];
  fragmentPath?: string;
  /** Drop-ins in the order they apply. */
  dropInPaths: string[];
  /** The fragment's text, then each drop-in's. */
  texts: UnitText[];
  /** The fragment's sections, then the drop-ins', merged by name; entries keep their file and line. */
  sections: UnitSection[];
  /** Syntax problems and unreadable files. */
  diagnostics: UnitDiagnostic[];
  masked: boolean;
  notFound: boolean;
}

/** Alias chains longer than this are treated as loops. */
const MAX_ALIAS_DEPTH = 16;

/**
 * Finds and reads unit files in a search path (directories, highest precedence first), as
 * systemd.unit(5) describes: fragments, templates, aliases, masks and drop-ins. The name map is
 * rebuilt whenever a search directory changes, so links and files added later are seen.
 */
export class UnitLoader {
  private cached?: { stamp: string; map: Promise<UnitNameMap> };

  constructor(readonly searchPath: readonly string[]) {}

  /** The search path's names, rescanned when one of its directories changed; concurrent callers share one scan. */
  async nameMap(): Promise<UnitNameMap> {
    const stamp = await searchPathStamp(this.searchPath);
    if (this.cached?.stamp !== stamp) {
      const map = UnitNameMap.scan(this.searchPath);
      this.cached = { stamp, map };
      map.catch(() => {
        if (this.cached?.map === map) this.cached = undefined;
      });
    }
    return this.cached.map;
  }

  /** Every unit name in the search path (files, links, aliases, masks), sorted. */
  async listUnitFiles(): Promise<UnitFileEntry[]> {
    return (await this.nameMap()).list();
  }

  /** The unit `name` refers to and its file; undefined when the search path has neither it nor its template. */
  async find(name: string): Promise<UnitFragment | undefined> {
    if (!isValidUnitName(name)) return undefined;
    const map = await this.nameMap();
    const found = resolveName(map, name, [], 0);
    if (!found) return undefined;
    const aliases = new Set(found.aliases);
    for (const alias of aliasesIn(map, found.name)) aliases.add(alias);
    aliases.delete(found.name);
    return { ...found, aliases: [...aliases].sort() };
  }

  /** The unit file and its drop-ins, read and parsed. Never throws for a missing or unreadable file. */
  async load(name: string): Promise<LoadedUnit> {
    const fragment = await this.find(name);
    const unit = { name: fragment?.name ?? name, aliases: fragment?.aliases ?? [] };
    const nothing = { dropInPaths: [], texts: [], sections: [] };
    if (!fragment) return { ...unit, ...nothing, diagnostics: [], masked: false, notFound: true };
    if (fragment.masked || !fragment.path) return { ...unit, ...nothing, diagnostics: [], masked: true, notFound: false };

    const diagnostics: UnitDiagnostic[] = [];
    const read = (file: string) =>
      readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        diagnostics.push({ severity: 'error', file, line: 0, message: `cannot read ${file}: ${err.code ?? err.message}` });
        return undefined;
      });
    const fragmentText = await read(fragment.path);
    if (fragmentText === undefined) return { ...unit, ...nothing, diagnostics, masked: false, notFound: true };

    const dropInPaths = await findDropIns(this.searchPath, [fragment.name, ...fragment.aliases]);
    const texts: UnitText[] = [{ path: fragment.path, text: fragmentText }];
    for (const file of dropInPaths) {
      const text = await read(file);
      if (text !== undefined) texts.push({ path: file, text });
    }
    const sections: UnitSection[] = [];
    for (const { path, text } of texts) {
      const parsed = parseUnitText(text, path);
      mergeSections(sections, parsed.sections);
      diagnostics.push(...parsed.diagnostics);
    }
    return { ...unit, fragmentPath: fragment.path, dropInPaths, texts, sections, diagnostics, masked: false, notFound: false };
  }
}

/** Appends each section's entries to the same-named section already there, or adds it. */
function mergeSections(into: UnitSection[], from: readonly UnitSection[]): void {
  for (const section of from) {
    const existing = into.find((s) => s.name === section.name);
    if (existing) existing.entries.push(...section.entries);
    else into.push({ name: section.name, entries: [...section.entries] });
  }
}

type Resolved = Omit<UnitFragment, 'aliases'> & { aliases: string[] };

/** Follows `name` through the name map: its own entry, else its template's; aliases by name. */
function resolveName(map: UnitNameMap, name: string, via: string[], depth: number): Resolved | undefined {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const entry = map.get(name);
  if (entry) return fromEntry(map, name, entry, via, depth);

  const parsed = parseUnitName(name);
  if (!parsed.isInstance) return undefined;
  const templateEntry = map.get(templateOf(name));
  if (!templateEntry) return undefined;
  if (templateEntry.kind === 'alias') {
    return resolveName(map, instanceName(templateEntry.aliasOf!, parsed.instance!), [...via, name], depth + 1);
  }
  return fromEntry(map, name, templateEntry, via, depth);
}

function fromEntry(map: UnitNameMap, name: string, entry: UnitFileEntry, via: string[], depth: number): Resolved | undefined {
  switch (entry.kind) {
    case 'masked':
      return { name, aliases: via, masked: true };
    case 'file':
    case 'linked':
      return { name, aliases: via, path: entry.file!, masked: false };
    case 'alias': {
      const resolved = resolveName(map, entry.aliasOf!, [...via, name], depth + 1);
      if (resolved || entry.file === undefined) return resolved;
      // A link to a file outside the search path has no entry of its own to follow: use its file.
      return { name: entry.aliasOf!, aliases: [...via, name], path: entry.file, masked: false };
    }
  }
}

/** Aliases of `name` in the search path, and for an instance, its template's aliases with the same instance. */
function aliasesIn(map: UnitNameMap, name: string): string[] {
  const found = [...map.aliasesOf(name)];
  const parsed = parseUnitName(name);
  if (parsed.isInstance) {
    for (const alias of map.aliasesOf(templateOf(name))) found.push(instanceName(alias, parsed.instance!));
  }
  return found;
}
