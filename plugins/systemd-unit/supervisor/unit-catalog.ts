import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDefinition } from '../unit-file/definition-builder.js';
import type { ExecRuntime, UnitFiles } from '../../../core/index.js';
import type { SpecifierContext, UnitDefaults, UnitDefinition, UnitDiagnostic } from '../unit-file/definition.js';
import { UnitLinks } from '../unit-file/links.js';
import { UnitLoader, type LoadedUnit } from '../unit-file/loader.js';
import { parseUnitText } from '../unit-file/syntax.js';
import { isValidUnitName } from '../unit-file/unit-name.js';
import type { UnitFileState } from '../unit-control.js';
import type { SourcedUnit, UnitSource } from './unit-source.js';

/** Targets that exist even without a file, as systemd ships them. */
const BUILTIN_TARGETS: Readonly<Record<string, string>> = {
  'default.target': '[Unit]\nDescription=Default target\nRequires=multi-user.target\nAfter=multi-user.target\n',
  'multi-user.target': '[Unit]\nDescription=Multi-User System\n',
};

/** Units from the search path: parsed, drop-ins applied, typed, with `.wants/`/`.requires/` links as dependencies. */
export class UnitCatalog implements UnitSource {
  private readonly loader: UnitLoader;
  /** Shares the loader, so the search path is scanned once per change, not once per unit read. */
  private readonly links: UnitLinks;

  constructor(
    readonly searchPath: readonly string[],
    private readonly specifiers: SpecifierContext,
    private readonly defaults: UnitDefaults,
    /** Runtimes that generate settings ([Container]) and check their own command lines at load time. */
    private readonly runtimes: () => readonly ExecRuntime[] = () => [],
  ) {
    this.loader = new UnitLoader(searchPath);
    this.links = new UnitLinks(this.loader);
  }

  private get writeDir(): string {
    return this.searchPath[0]!;
  }

  async read(name: string): Promise<SourcedUnit> {
    if (!isValidUnitName(name)) return { name, loadState: 'not-found', reason: `${name} is not a valid unit name` };
    let loaded = await this.loader.load(name);
    if (loaded.notFound && this.builtinText(name) !== undefined) loaded = this.builtin(name);
    if (loaded.masked) return { name, loadState: 'masked', reason: 'the unit is masked' };
    if (loaded.notFound) return { name, loadState: 'not-found', reason: `Unit ${name} not found.` };
    const generatedProblems = this.generate(loaded);
    const definition = buildDefinition(loaded, this.specifiers, this.defaults);
    definition.diagnostics.push(...generatedProblems, ...this.inspect(definition));
    definition.deps.wants.push(...(await this.links.wantedBy(name)).filter((u) => !definition.deps.wants.includes(u)));
    definition.deps.requires.push(...(await this.links.requiredBy(name)).filter((u) => !definition.deps.requires.includes(u)));
    // What a target wants starts before the target counts as reached.
    if (definition.kind === 'target') for (const u of [...definition.deps.wants, ...definition.deps.requires]) if (!definition.deps.after.includes(u)) definition.deps.after.push(u);
    const errors = definition.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      return { name, loadState: 'bad-setting', definition, reason: errors.map((d) => `${d.file}:${d.line}: ${d.message}`).join('; ') };
    }
    return { name, loadState: 'loaded', definition };
  }

  /** Lets runtimes add settings, as systemd generators do; returns what they found wrong. */
  private generate(loaded: LoadedUnit): UnitDiagnostic[] {
    const problems: UnitDiagnostic[] = [];
    const unit = {
      name: loaded.name,
      fragmentPath: loaded.fragmentPath,
      entries: loaded.sections.flatMap((section) => section.entries.map((e) => ({ section: section.name, key: e.key, value: e.value, file: e.file, line: e.line }))),
    };
    for (const runtime of this.runtimes()) {
      const generated = runtime.generate?.(unit);
      if (!generated) continue;
      for (const p of generated.problems) problems.push({ severity: 'error', file: p.file, line: p.line, message: p.message });
      for (const setting of generated.settings) {
        let section = loaded.sections.find((s) => s.name === setting.section);
        if (!section) loaded.sections.push((section = { name: setting.section, entries: [] }));
        section.entries.push({ key: setting.key, value: setting.value, file: setting.file, line: setting.line });
      }
    }
    return problems;
  }

  /** Each runtime's load-time check of the commands it would run. */
  private inspect(definition: UnitDefinition): UnitDiagnostic[] {
    const svc = definition.service;
    const runtimes = this.runtimes().filter((r) => r.inspect);
    if (!svc || runtimes.length === 0) return [];
    const settings = { ExecCondition: svc.execCondition, ExecStartPre: svc.execStartPre, ExecStart: svc.execStart, ExecStartPost: svc.execStartPost, ExecReload: svc.execReload, ExecStop: svc.execStop, ExecStopPost: svc.execStopPost };
    const problems: UnitDiagnostic[] = [];
    for (const [setting, commands] of Object.entries(settings)) {
      for (const cmd of commands) {
        for (const runtime of runtimes) {
          const message = runtime.inspect!({ unit: definition.name, setting, program: cmd.path, args: cmd.args, file: cmd.file, line: cmd.line });
          if (message) problems.push({ severity: 'error', file: cmd.file, line: cmd.line, section: 'Service', key: setting, message });
        }
      }
    }
    return problems;
  }

  /** A unit that exists without a file: a standard target, or one a runtime provides. */
  private builtinText(name: string): string | undefined {
    if (Object.hasOwn(BUILTIN_TARGETS, name)) return BUILTIN_TARGETS[name];
    for (const runtime of this.runtimes()) {
      const provided = runtime.providedUnits?.();
      if (provided && Object.hasOwn(provided, name)) return provided[name];
    }
    return undefined;
  }

  private builtin(name: string): LoadedUnit {
    const text = this.builtinText(name)!;
    return {
      name,
      aliases: [],
      fragmentPath: undefined,
      dropInPaths: [],
      texts: [{ path: `(builtin)/${name}`, text }],
      sections: parseUnitText(text, `(builtin)/${name}`).sections,
      diagnostics: [],
      masked: false,
      notFound: false,
    };
  }

  async names(): Promise<string[]> {
    const entries = await this.loader.listUnitFiles();
    return entries.map((e) => e.name).filter((n) => !n.includes('@.'));
  }

  async write(name: string, content: string): Promise<void> {
    if (!isValidUnitName(name)) throw new TypeError(`${name} is not a valid unit name`);
    await replaceFile(path.join(this.writeDir, name), content);
  }

  async install(name: string, files: UnitFiles): Promise<{ unitFile: boolean; dropIns: string[] }> {
    if (!isValidUnitName(name)) throw new TypeError(`${name} is not a valid unit name`);
    for (const dropIn of files.dropIns ?? []) {
      if (!DROP_IN_NAME.test(dropIn.name)) throw new TypeError(`${dropIn.name} is not a drop-in name (one file name ending in .conf)`);
    }
    const unitFile = files.content !== undefined && (await writeIfDifferent(path.join(this.writeDir, name), files.content));
    const dropIns: string[] = [];
    for (const dropIn of files.dropIns ?? []) {
      if (await writeIfDifferent(path.join(this.writeDir, `${name}.d`, dropIn.name), dropIn.content)) dropIns.push(dropIn.name);
    }
    return { unitFile, dropIns };
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.writeDir, name), { force: true });
  }

  enable(definition: UnitDefinition): Promise<string[]> {
    return this.links.enable(definition, this.writeDir);
  }

  disable(name: string): Promise<string[]> {
    return this.links.disable(name, this.writeDir);
  }

  fileState(name: string): Promise<UnitFileState> {
    return this.links.unitFileState(name);
  }

  async files(name: string): Promise<{ path: string; text: string }[]> {
    const loaded = await this.loader.load(name);
    const builtin = loaded.notFound ? this.builtinText(name) : undefined;
    if (builtin !== undefined) return [{ path: `(builtin)/${name}`, text: builtin }];
    return loaded.texts.map((t) => ({ path: t.path, text: t.text }));
  }
}

const DROP_IN_NAME = /^[^/\\]+\.conf$/;

/** Writes `content` to `file` through a temporary file and a rename, so that readers see the old text or the new. */
async function replaceFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file);
}

/** Replaces the file only when its text differs; whether it wrote. */
async function writeIfDifferent(file: string, content: string): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (current === content) return false;
  await replaceFile(file, content);
  return true;
}
