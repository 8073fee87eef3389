import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

// The walls between the parts: core/ knows no plugin and no CLI, a plugin knows core/ and
// itself, the CLI reaches plugins only through their command sets.
const walls = suite('architecture: import walls');

const ROOT = path.resolve('.');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** Each import specifier of a file, resolved to a repo path when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((spec) => (spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)) : spec));
}

walls('only core/di.ts imports tsyringe', () => {
  const offenders = ['core', 'plugins', 'cli', 'test'].flatMap(sourceFiles).filter((file) => file !== 'core/di.ts' && importsOf(file).includes('tsyringe'));
  assert.equal(offenders, []);
});

walls('core/ imports nothing from plugins/ or cli/', () => {
  const offenders = sourceFiles('core').flatMap((file) =>
    importsOf(file).filter((target) => target.startsWith('plugins/') || target.startsWith('cli/')).map((target) => `${file} -> ${target}`),
  );
  assert.equal(offenders, []);
});

walls('a plugin imports core/ and its own folder only', () => {
  const offenders = sourceFiles('plugins')
    .filter((file) => file.split('/').length > 2)
    .flatMap((file) => {
      const own = file.split('/').slice(0, 2).join('/');
      return importsOf(file)
        .filter((target) => target.startsWith('plugins/') && !target.startsWith(`${own}/`))
        .map((target) => `${file} -> ${target}`);
    });
  assert.equal(offenders, []);
});

walls("cli/ reaches plugins only through the catalog and the plugins' command sets", () => {
  const allowed = (target: string) => target === 'plugins/catalog.js' || target === 'plugins/commands.js' || /^plugins\/[^/]+\/commands\//.test(target);
  const offenders = sourceFiles('cli').flatMap((file) =>
    importsOf(file).filter((target) => target.startsWith('plugins/') && !allowed(target)).map((target) => `${file} -> ${target}`),
  );
  assert.equal(offenders, []);
});

walls('the scan sees imports (guards the walls above against a broken pattern)', () => {
  assert.ok(importsOf('core/kernel.ts').includes('core/di.js'));
  assert.ok(importsOf('cli/command-registry.ts').includes('plugins/commands.js'));
  assert.ok(importsOf('core/di.ts').includes('tsyringe'));
});

walls.run();

const injection = suite('architecture: explicit injection tokens');

/** Constructor parameter lists of every @injectable() class, with the file they are in. */
function injectableConstructors(file: string): { where: string; params: string[] }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found: { where: string; params: string[] }[] = [];
  for (const match of text.matchAll(/@injectable\(\)\s*(?:export\s+)?class\s+(\w+)[^{]*\{/g)) {
    const body = text.slice(match.index! + match[0].length);
    const ctor = /^\s*constructor\(/m.exec(body.slice(0, body.search(/\n}\n/) + 1));
    if (!ctor) continue;
    let depth = 1;
    let i = ctor.index + ctor[0].length;
    const start = i;
    for (; depth > 0 && i < body.length; i++) {
      if (body[i] === '(' || body[i] === '{' || body[i] === '<') depth++;
      if (body[i] === ')' || body[i] === '}' || body[i] === '>') depth--;
    }
    const inner = body.slice(start, i - 1);
    const params: string[] = [];
    let current = '';
    depth = 0;
    for (const ch of inner) {
      if ('({<['.includes(ch)) depth++;
      if (')}>]'.includes(ch)) depth--;
      if (ch === ',' && depth === 0) {
        params.push(current.trim());
        current = '';
      } else current += ch;
    }
    if (current.trim()) params.push(current.trim());
    found.push({ where: `${file}: ${match[1]}`, params });
  }
  return found;
}

injection('every constructor parameter of an injectable class names its token', () => {
  const classes = ['core', 'plugins', 'cli', 'test'].flatMap(sourceFiles).flatMap(injectableConstructors);
  assert.ok(classes.some((c) => c.where === 'core/http/api-server.ts: ApiServer'), 'the scan finds ApiServer');
  const offenders = classes.flatMap(({ where, params }) =>
    params.filter((param) => !/^@inject(All)?\(/.test(param)).map((param) => `${where}: ${param.split('\n')[0]}`),
  );
  assert.equal(offenders, []);
});

injection.run();
