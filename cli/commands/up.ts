import { Command, Flags } from '@oclif/core';
import type { Kernel, Logger } from '../../core/index.js';
import { nodeConfigFlags } from '../node-config-flags.js';

const REPEAT_SIGNAL_WINDOW_MS = 500;

export default class Up extends Command {
  static override summary = 'Run a node in the foreground until SIGINT or SIGTERM.';
  static override description =
    'Reads the node config (defaults <- file <- FLOTILLA_* environment <- flags), starts every plugin it names in dependency order and serves the API. Logs go to stderr. The first SIGINT or SIGTERM stops the plugins in reverse order and exits 0; a second one exits at once.';
  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up --config config/default.yaml --api-port 4001',
    'FLOTILLA_API__PORT=4001 <%= config.bin %> up --set node.metadata.region=us-east-1',
  ];

  static override flags = {
    config: Flags.string({ char: 'c', description: 'node config file (YAML)', env: 'FLOTILLA_CONFIG' }),
    ...nodeConfigFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Up);
    const [{ createLogger, Kernel, StartAbortedError }, { loadFromFlags }] = await Promise.all([
      import('../../core/index.js'),
      import('../node-config-load.js'),
    ]);
    const outcome = await loadFromFlags(flags.config, flags);
    if (!outcome.ok) this.fail(outcome.message, 78);
    const { loaded } = outcome;
    const log = createLogger({ level: loaded.config.log.level, format: loaded.config.log.format });
    const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins, logger: log });
    const stopped = this.stopOnSignals(kernel, log);
    try {
      await kernel.start();
    } catch (error) {
      if (error instanceof StartAbortedError) this.exit(await stopped);
      log.fatal({ err: error }, 'node failed to start');
      this.fail((error as Error).message, 1);
    }
    this.stopOnCrash(kernel, log);
    process.stderr.write(`flotilla: node ${kernel.node!.name} is up; API at ${kernel.apiUrl}\n`);
    const exitCode = await stopped;
    if (exitCode !== 0) this.exit(exitCode);
  }

  /** Resolves with the exit code once the node has stopped after a signal. */
  private stopOnSignals(kernel: Kernel, log: Logger): Promise<number> {
    return new Promise((resolve) => {
      let firstSignalAt: number | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (firstSignalAt !== undefined) {
          // A supervisor may signal the process and then its group at once; only a later
          // signal is someone asking again.
          if (performance.now() - firstSignalAt < REPEAT_SIGNAL_WINDOW_MS) return;
          log.warn({ signal }, 'second signal: exiting without waiting for plugins');
          process.exit(130);
        }
        firstSignalAt = performance.now();
        log.info({ signal }, 'stopping node');
        kernel.stop().then(
          () => resolve(0),
          (error: unknown) => {
            log.error({ err: error }, 'node stopped with errors');
            resolve(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  }

  /**
   * A bug that escapes a plugin (an uncaught exception, an unhandled rejection) leaves the process
   * in an unknown state: log it, stop the plugins within their timeouts, and exit 70 (EX_SOFTWARE).
   */
  private stopOnCrash(kernel: Kernel, log: Logger): void {
    let crashed = false;
    const onCrash = (error: unknown, origin: string) => {
      log.fatal({ err: error, origin }, 'unhandled error: stopping the node');
      if (crashed) return;
      crashed = true;
      kernel.stop().finally(() => process.exit(70));
    };
    process.on('uncaughtException', (error) => onCrash(error, 'uncaughtException'));
    process.on('unhandledRejection', (reason) => onCrash(reason, 'unhandledRejection'));
  }

  private fail(message: string, exitCode: number): never {
    process.stderr.write(`flotilla up: ${message}\n`);
    this.exit(exitCode);
  }
}
