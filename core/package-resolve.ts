import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ACTIVE_CONDITIONS = new Set(['node', 'import', 'default', 'module-sync']);

/**
 * Resolves a package specifier (`name`, `@scope/name`, `name/sub`) from `baseDir` as Node's ESM
 * loader would: node_modules folders upwards, then the package's `exports` under the node and
 * import conditions, else `main`. Undefined when no such package is installed there.
 */
export function resolvePackageFrom(specifier: string, baseDir: string): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = ['.', ...parts.slice(nameLength)].join('/');
  for (let dir = path.resolve(baseDir); ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, 'node_modules', name);
    const manifest = path.join(packageDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      const target =
        pkg.exports !== undefined ? exportTarget(pkg.exports, subpath) : subpath === '.' ? (pkg.main ?? 'index.js') : subpath;
      return target === undefined ? undefined : path.join(packageDir, target);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (Array.isArray(exports)) {
    for (const candidate of exports) {
      const target = exportTarget(candidate, subpath);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (typeof exports !== 'object' || exports === null) return undefined;
  const entries = Object.entries(exports);
  if (entries.some(([key]) => key.startsWith('.'))) {
    const own = (exports as Record<string, unknown>)[subpath];
    return own === undefined ? undefined : exportTarget(own, '.');
  }
  if (subpath !== '.') return undefined;
  for (const [condition, value] of entries) {
    if (!ACTIVE_CONDITIONS.has(condition)) continue;
    const target = exportTarget(value, '.');
    if (target !== undefined) return target;
  }
  return undefined;
}
