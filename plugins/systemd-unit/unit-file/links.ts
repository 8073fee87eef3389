import { lstat, mkdir, readdir, readlink, stat, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { UnitFileState } from '../unit-control.js';
import { splitList } from './build-context.js';
import type { UnitDefinition, UnitSection } from './definition.js';
import { compareFileNames, dropInDirs } from './drop-ins.js';
import type { UnitLoader } from './loader.js';
import { instanceName, isValidUnitName, parseUnitName, templateOf } from './unit-name.js';

/** `enable` refused: nothing was changed. */
export class UnitEnableError extends Error {
  constructor(
    readonly unit: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnitEnableError';
  }
}

/** A symlink in the config directory that enable may have made. */
interface UnitLink {
  /** The link's own name: the unit it makes wanted or required, or an alias. */
  name: string;
  path: string;
  /** What the link points to, as written. */
  target: string;
  /** In a `<unit>.wants/` or `<unit>.requires/` directory (else an alias at the top). */
  dependency: boolean;
}

const DEPENDENCY_DIR = /\.(wants|requires)$/;

/**
 * Enablement as systemctl does it, with the search path's first directory as the config
 * directory: `<target>.wants/` and `<target>.requires/` links for [Install]'s WantedBy= and
 * RequiredBy=, and alias links for Alias=. Enabling and disabling twice changes nothing the
 * second time.
 */
export class UnitLinks {
  constructor(private readonly loader: UnitLoader) {}

  /** Where enable makes links: the first directory of the search path. */
  get configDir(): string {
    return this.loader.searchPath[0]!;
  }

  /** Units linked from `<target>.wants/` directories anywhere in the search path (its aliases' and templates' too). */
  wantedBy(target: string): Promise<string[]> {
    return this.linkedFrom(target, '.wants');
  }

  /** Units linked from `<target>.requires/` directories. */
  requiredBy(target: string): Promise<string[]> {
    return this.linkedFrom(target, '.requires');
  }

  /**
   * Creates the links [Install] asks for and returns their paths (only those it created). A
   * template is enabled as its DefaultInstance=; without one, enable an instance instead.
   * Also= is left to the caller, which has the other units' definitions.
   */
  async enable(def: UnitDefinition, firstDir: string = this.configDir): Promise<string[]> {
    if (!def.fragmentPath) throw new UnitEnableError(def.name, `Unit ${def.name} has no unit file (it is masked or missing); cannot enable it.`);
    const { wantedBy, requiredBy, alias, defaultInstance } = def.install;
    if (wantedBy.length + requiredBy.length + alias.length === 0) return [];

    let linkName = def.name;
    if (parseUnitName(def.name).isTemplate) {
      if (defaultInstance === undefined) {
        throw new UnitEnableError(
          def.name,
          `Unit ${def.name} is a template with no DefaultInstance=; enable an instance of it instead (${def.name.replace('@.', '@NAME.')}).`,
        );
      }
      linkName = instanceName(def.name, defaultInstance);
    }

    const wanted = [
      ...wantedBy.map((t) => path.join(firstDir, `${t}.wants`, linkName)),
      ...requiredBy.map((t) => path.join(firstDir, `${t}.requires`, linkName)),
      ...alias.map((a) => path.join(firstDir, a)),
    ];
    // Check every link before making any, so that a refusal changes nothing.
    const toCreate: string[] = [];
    for (const linkPath of wanted) {
      if (await needsLink(def.name, linkPath, def.fragmentPath)) toCreate.push(linkPath);
    }
    for (const linkPath of toCreate) {
      await mkdir(path.dirname(linkPath), { recursive: true });
      await unlink(linkPath).catch(() => undefined);
      await symlink(def.fragmentPath, linkPath);
    }
    return toCreate;
  }

  /**
   * Removes the links to the unit in the config directory: in `.wants/` and `.requires/`
   * directories those named after it (for a template, after any of its instances) or pointing to
   * its file; at the top, alias links to its file. Returns the removed paths.
   */
  async disable(name: string, firstDir: string = this.configDir): Promise<string[]> {
    if (!isValidUnitName(name)) return [];
    const found = await this.loader.find(name);
    const names = [...new Set([name, ...(found ? [found.name] : [])])];
    const removed: string[] = [];
    for (const link of await linksIn(firstDir)) {
      if (!names.some((n) => linkBelongsTo(link, n))) continue;
      await unlink(link.path);
      removed.push(link.path);
    }
    return removed;
  }

  /**
   * systemctl is-enabled: `enabled` when the config directory links it (by its name, its
   * DefaultInstance= or an Alias=); `indirect` when it is linked under other names or only
   * through Also=; `disabled` when [Install] could link it; `static` when it has nothing to
   * install. `bad` for a unit without a file, masked ones included (UnitFileState has no
   * `masked`).
   */
  async unitFileState(name: string): Promise<UnitFileState> {
    const found = isValidUnitName(name) ? await this.loader.find(name) : undefined;
    if (!found?.path || found.masked) return 'bad';
    const loaded = await this.loader.load(found.name);
    const install = rawInstall(loaded.sections);
    const unit = parseUnitName(found.name);
    const fileName = path.basename(found.path);

    let expected: string | undefined = found.name;
    if (unit.isTemplate) {
      try {
        expected = install.defaultInstance ? instanceName(found.name, install.defaultInstance) : undefined;
      } catch {
        return 'bad';
      }
    }
    const links = await linksIn(this.configDir);
    const enabled = links.some(
      (l) => (l.dependency && l.name === expected) || (!l.dependency && install.alias.includes(l.name) && path.basename(l.target) === fileName),
    );
    if (enabled) return 'enabled';
    const underOtherNames = links.some(
      (l) =>
        path.basename(l.target) === fileName &&
        (l.dependency || l.name !== found.name) &&
        (!unit.isInstance || instanceOf(l.name) === unit.instance),
    );
    if (underOtherNames) return 'indirect';
    if (install.wantedBy.length + install.requiredBy.length + install.alias.length > 0) return 'disabled';
    return install.also.length > 0 ? 'indirect' : 'static';
  }

  private async linkedFrom(unitName: string, suffix: '.wants' | '.requires'): Promise<string[]> {
    if (!isValidUnitName(unitName)) return [];
    const found = await this.loader.find(unitName);
    const names = found ? [found.name, ...found.aliases] : [unitName];
    const instance = parseUnitName(names[0]!).instance;
    const units = new Set<string>();
    for (const dir of dropInDirs(this.loader.searchPath, names, suffix)) {
      for (const entry of await readdir(dir).catch(() => [] as string[])) {
        if (!isValidUnitName(entry)) continue;
        const parsed = parseUnitName(entry);
        // A template in a template's directory takes the instance of the unit that has it.
        if (parsed.isTemplate) {
          if (instance) units.add(instanceName(entry, instance));
          continue;
        }
        units.add(entry);
      }
    }
    return [...units].sort(compareFileNames);
  }
}

/** False when the link is already there; throws when something else is in its place. */
async function needsLink(unit: string, linkPath: string, fragmentPath: string): Promise<boolean> {
  const st = await lstat(linkPath).catch(() => undefined);
  if (!st) return true;
  if (!st.isSymbolicLink()) throw new UnitEnableError(unit, `Cannot enable ${unit}: ${linkPath} exists and is not a symlink.`);
  const target = path.resolve(path.dirname(linkPath), await readlink(linkPath));
  if (target === path.resolve(fragmentPath)) return false;
  // A dangling link is stale (its unit file is gone): replace it.
  if (!(await stat(linkPath).catch(() => undefined))) return true;
  throw new UnitEnableError(unit, `Cannot enable ${unit}: ${linkPath} already links to ${target}.`);
}

/** The symlinks at the top of `dir` and in its `.wants/` and `.requires/` directories. */
async function linksIn(dir: string): Promise<UnitLink[]> {
  const links: UnitLink[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isSymbolicLink() && isValidUnitName(entry.name)) {
      links.push({ name: entry.name, path: entryPath, target: await readlink(entryPath), dependency: false });
    } else if (entry.isDirectory() && DEPENDENCY_DIR.test(entry.name)) {
      for (const inner of await readdir(entryPath, { withFileTypes: true }).catch(() => [])) {
        if (!inner.isSymbolicLink() || !isValidUnitName(inner.name)) continue;
        const innerPath = path.join(entryPath, inner.name);
        links.push({ name: inner.name, path: innerPath, target: await readlink(innerPath), dependency: true });
      }
    }
  }
  return links.sort((a, b) => compareFileNames(a.path, b.path));
}

/**
 * Whether disabling `unit` removes `link`. A top-level link named after the unit is its file
 * (or its mask), never an enablement link, so it stays.
 */
function linkBelongsTo(link: UnitLink, unit: string): boolean {
  const parsed = parseUnitName(unit);
  const targetName = path.basename(link.target);
  if (!link.dependency && link.name === unit) return false;
  if (link.dependency && link.name === unit) return true;
  if (parsed.isInstance) return targetName === templateOf(unit) && instanceOf(link.name) === parsed.instance;
  if (link.dependency && parsed.isTemplate && isValidUnitName(link.name) && isInstanceOfTemplate(link.name, unit)) return true;
  return targetName === unit;
}

function instanceOf(name: string): string | undefined {
  return isValidUnitName(name) ? parseUnitName(name).instance : undefined;
}

function isInstanceOfTemplate(name: string, template: string): boolean {
  const parsed = parseUnitName(name);
  return parsed.isInstance && templateOf(name) === template;
}

/** [Install] as written, lists reset by empty assignments; enough to tell a unit file's state. */
function rawInstall(sections: readonly UnitSection[]): { wantedBy: string[]; requiredBy: string[]; alias: string[]; also: string[]; defaultInstance?: string } {
  const install = { wantedBy: [] as string[], requiredBy: [] as string[], alias: [] as string[], also: [] as string[], defaultInstance: undefined as string | undefined };
  const lists: Record<string, string[]> = { WantedBy: install.wantedBy, RequiredBy: install.requiredBy, Alias: install.alias, Also: install.also };
  for (const entry of sections.find((s) => s.name === 'Install')?.entries ?? []) {
    if (entry.key === 'DefaultInstance') {
      install.defaultInstance = entry.value === '' ? undefined : entry.value;
      continue;
    }
    const list = Object.hasOwn(lists, entry.key) ? lists[entry.key] : undefined;
    if (!list) continue;
    if (entry.value === '') list.length = 0;
    else list.push(...splitList(entry.value));
  }
  return install;
}
