import { execFile } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
/** What `flotilla up` loads at run time; tests and benches are compiled too but never loaded by it. */
const RUNTIME_DIRS = ['core', 'plugins', 'cli'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

const compiledFile = (source: string) => path.join(root, 'dist', path.relative(root, source).replace(/\.ts$/, '.js'));

/** Runtime sources whose compiled file in dist/ is missing or older than they are. */
export function staleSources(): string[] {
  return RUNTIME_DIRS.flatMap((dir) => sources(path.join(root, dir))).filter((source) => {
    const built = mtime(compiledFile(source));
    return built === undefined || built < mtime(source)!;
  });
}

/**
 * Runs `npm run build` when dist/ lacks or predates a runtime source. tsc emits even when some
 * file elsewhere (a test) has a type error, so the build counts as good once no output is
 * missing. An incremental build skips a source that was touched but not changed; its output is
 * then current and is touched, so the next run does not build again.
 */
export async function ensureCompiledCli(): Promise<{ built: boolean; ms: number }> {
  const started = performance.now();
  const stale = staleSources();
  if (stale.length === 0) return { built: false, ms: 0 };
  const outcome = await run('npm', ['run', 'build', '--silent'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
    () => undefined,
    (error: { stdout?: string; stderr?: string; message: string }) => `${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
  const still = staleSources().filter((source) => {
    if (mtime(compiledFile(source)) === undefined) return true;
    const now = new Date();
    utimesSync(compiledFile(source), now, now);
    return false;
  });
  if (still.length > 0) {
    throw new Error(`npm run build left ${still.length} runtime files uncompiled (${path.relative(root, still[0]!)} ...)${outcome ? `:\n${outcome}` : ''}`);
  }
  return { built: true, ms: performance.now() - started };
}
