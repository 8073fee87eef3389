import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Defaults to stderr: stdout belongs to command output. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean; fd?: number };
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && destination.isTTY === true);
  const base = { ...options.base };
  if (usePretty) {
    const stream = pretty({
      destination: destination as NodeJS.WritableStream,
      sync: true,
      colorize: destination.isTTY === true,
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss.l',
    });
    return pino({ level: options.level, base }, stream);
  }
  const stream = destination === process.stderr ? pino.destination({ fd: 2, sync: true }) : destination;
  return pino({ level: options.level, base }, stream);
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
