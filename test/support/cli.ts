import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '@oclif/core';
import { runCommand } from '@oclif/test';

const root = path.resolve(import.meta.dirname, '../..');
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
pjson.oclif.commands.target = './cli/command-registry.ts';

/** Runs `flotilla ARGS` in this process through oclif, from the sources (as cli/bin/dev.js does). */
export async function flotilla(args: string[]) {
  settings.enableAutoTranspile = false;
  return runCommand(args, { root, pjson });
}

export const DEV_BIN = path.join(root, 'cli/bin/dev.js');

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) and how long after the call it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves once stderr contains the pattern, rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** The compiled CLI (`npm run build` first); it starts faster than DEV_BIN. */
export const RUN_BIN = path.join(root, 'cli/bin/run.js');

/** Starts `flotilla ARGS` as its own process, as a user would from a shell; from the sources unless `bin` says otherwise. */
export function spawnCli(args: string[], env: Record<string, string> = {}, options: { bin?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [options.bin ?? DEV_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = err.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr so far:\n${err}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before ${pattern}; stderr:\n${err}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stderr!.off('data', check);
          child.off('close', onExit);
        };
        child.stderr!.on('data', check);
        child.on('close', onExit);
        check();
      });
    },
  };
}
