// Runs the benchmarks in bench/: every bench/NAME.ts (NAME other than "run"), or only those named.
//   npm run bench                 all of them
//   npm run bench -- api-host     one
// Each module exports `run(): Promise<void>` and a one-line `description`.
import { readdir } from 'node:fs/promises';
import { killLiveChildren, removeTempDirsSync } from './lib/harness.js';

interface Bench {
  description?: string;
  run(): Promise<void>;
}

const here = new URL('./', import.meta.url);
const available = (await readdir(here))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

const wanted = process.argv.slice(2).filter((arg) => arg !== '--');
if (wanted.includes('--help') || wanted.includes('-h') || wanted.includes('--list')) {
  process.stdout.write(`usage: npm run bench [-- NAME...]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(0);
}
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}; there are: ${available.join(', ')}\n`);
  process.exit(2);
}

// Whatever happens, children started by the benchmarks are stopped by their PID and temp dirs go.
process.on('exit', () => {
  killLiveChildren();
  removeTempDirsSync();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

for (const name of wanted.length > 0 ? wanted : available) {
  const bench = (await import(new URL(`./${name}.ts`, here).href)) as Bench;
  process.stderr.write(`bench: ${name}${bench.description ? ` — ${bench.description}` : ''}\n`);
  await bench.run();
}
