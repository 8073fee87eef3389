import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants, hostname } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { EXIT_SERVER_ERROR, KvCommand } from './kv-command.js';
import { LockClaim, LockLostError } from './lock-holder.js';
import { exitCodeOf, splitAtDashDash } from './split-command.js';

export interface LockRun {
  key: string;
  fencingToken: number;
  exitCode: number;
}

export default class KvLock extends KvCommand {
  static override summary = 'Run a command while holding a named lock.';
  static override description = [
    'Queues for the lock NAME with an in-order key under /_flotilla/locks/NAME that expires after --ttl seconds, waits until that key is the lowest (watching only the key just before it), then runs the command after -- without a shell. ' +
      'The key is refreshed every ttl/3 seconds while waiting and while the command runs, and removed when the command exits; the exit code is the command\'s.',
    'The command gets FLOTILLA_LOCK_INDEX, a fencing token: the modifiedIndex of the lock key, written after the lock was granted, so it is larger for every later holder.',
    'Such a lock is not safe on its own under long pauses: a holder that is paused (GC, swap, SIGSTOP, a stalled VM) longer than the TTL loses its key, another process gets the lock, and the paused one resumes believing it still holds it; Jepsen showed this for etcd\'s locks. ' +
      'That is what the fencing token is for: pass it to the resource you protect and have it refuse tokens lower than the highest it has seen. ' +
      'If the refresh finds the key gone, the command is sent SIGTERM and the exit code is 4.',
  ].join('\n\n');
  static override examples = ["<%= config.bin %> kv lock nightly-backup --ttl 30 -- sh -c 'backup --fence $FLOTILLA_LOCK_INDEX'"];
  static override usage = 'kv lock NAME [--ttl N] -- COMMAND [ARGS...]';
  static override args = { name: Args.string({ description: 'the lock name', required: true }) };
  static override flags = {
    ttl: Flags.integer({ description: 'seconds the lock outlives this process if it stops refreshing', default: 30, min: 1 }),
  };

  async run(): Promise<LockRun | undefined> {
    const { own, command } = splitAtDashDash(this.argv);
    const { args, flags } = await this.parse(KvLock, own);
    if (command.length === 0) this.error('a command to run is required after --', { exit: 1 });
    if (!/^[A-Za-z0-9._-]+$/.test(args.name)) this.error('a lock name is letters, digits, ".", "_" and "-"', { exit: 1 });
    const claim = new LockClaim(this.v2(flags), args.name, flags.ttl, `${hostname()}:${process.pid}`);
    claim.onWarning = (message) => this.logToStderr(`warning: ${message}`);
    const waiting = new AbortController();
    let child: ReturnType<typeof spawn> | undefined;
    let lost: LockLostError | undefined;
    const forward = (signal: NodeJS.Signals) => (child ? child.kill(signal) : waiting.abort(new Error(signal)));
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    process.on('SIGINT', onInt).on('SIGTERM', onTerm);
    try {
      const token = await claim.acquire(waiting.signal).catch((error: unknown) => {
        if (waiting.signal.aborted) this.exit(128 + (constants.signals[(waiting.signal.reason as Error).message as NodeJS.Signals] ?? 0));
        throw error;
      });
      const key = claim.key!;
      claim.onLost = (error) => {
        lost = error;
        child?.kill('SIGTERM');
      };
      child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, FLOTILLA_LOCK_INDEX: String(token) } });
      const [code, signal] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(([error]) => Promise.reject(error))])) as [
        number | null,
        NodeJS.Signals | null,
      ];
      await claim.release();
      if (lost) throw lost;
      const exitCode = exitCodeOf(code, signal, constants.signals);
      if (exitCode !== 0) this.exit(exitCode);
      return { key, fencingToken: token, exitCode };
    } catch (error) {
      if (error instanceof LockLostError) {
        this.logToStderr(`Error:  ${error.message}`);
        this.exit(EXIT_SERVER_ERROR);
      }
      if ((error as NodeJS.ErrnoException).syscall?.startsWith('spawn')) {
        this.logToStderr(`Error:  ${(error as Error).message}`);
        this.exit(127);
      }
      throw error;
    } finally {
      process.off('SIGINT', onInt).off('SIGTERM', onTerm);
      await claim.release();
    }
  }
}
