import type { ExitStatusSet } from './definition.js';

/** Parsers for the scalar value types of unit files. Each throws a RangeError naming the bad input. */

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** `1 yes y true t on` / `0 no n false f off`, case-insensitive. */
export function parseBoolean(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new RangeError(`invalid boolean '${value}': expected yes/no, true/false, on/off or 1/0`);
}

const US_PER_SECOND = 1_000_000n;

/**
 * Units of systemd.time, longest spelling first where one is a prefix of another, so that the
 * first match is the right one (`ms` before `m`, `min` before `m`). Case matters: `M` is months.
 */
const TIME_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['seconds', US_PER_SECOND],
  ['second', US_PER_SECOND],
  ['sec', US_PER_SECOND],
  ['s', US_PER_SECOND],
  ['minutes', 60n * US_PER_SECOND],
  ['minute', 60n * US_PER_SECOND],
  ['min', 60n * US_PER_SECOND],
  ['months', 2_629_800n * US_PER_SECOND],
  ['month', 2_629_800n * US_PER_SECOND],
  ['M', 2_629_800n * US_PER_SECOND],
  ['msec', 1000n],
  ['ms', 1000n],
  ['m', 60n * US_PER_SECOND],
  ['hours', 3600n * US_PER_SECOND],
  ['hour', 3600n * US_PER_SECOND],
  ['hr', 3600n * US_PER_SECOND],
  ['h', 3600n * US_PER_SECOND],
  ['days', 86_400n * US_PER_SECOND],
  ['day', 86_400n * US_PER_SECOND],
  ['d', 86_400n * US_PER_SECOND],
  ['weeks', 604_800n * US_PER_SECOND],
  ['week', 604_800n * US_PER_SECOND],
  ['w', 604_800n * US_PER_SECOND],
  ['years', 31_557_600n * US_PER_SECOND],
  ['year', 31_557_600n * US_PER_SECOND],
  ['y', 31_557_600n * US_PER_SECOND],
  ['usec', 1n],
  ['us', 1n],
  ['\u03bcs', 1n],
  ['\u00b5s', 1n],
];

const TIME_WHITESPACE = /[ \t\n\r]/;

/**
 * A systemd.time span in microseconds: `90`, `2min 200ms`, `1h30m`, `1.5h`, `infinity`.
 * A number without a unit is seconds; parts add up; fractions below a microsecond are dropped.
 * An empty value returns undefined: the setting goes back to its default.
 */
export function parseTimeSpanUs(value: string, defaultUnitUs: bigint = US_PER_SECOND): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (text === 'infinity') return Infinity;

  const invalid = (why: string) => new RangeError(`invalid time span '${value}': ${why}`);
  let total = 0n;
  let i = 0;
  let parts = 0;
  for (;;) {
    while (i < text.length && TIME_WHITESPACE.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === '-') throw invalid('negative values are not allowed');

    const integerStart = i;
    while (i < text.length && isDigit(text[i]!)) i++;
    const integer = text.slice(integerStart, i);
    let fraction = '';
    if (text[i] === '.') {
      const fractionStart = ++i;
      while (i < text.length && isDigit(text[i]!)) i++;
      fraction = text.slice(fractionStart, i);
      if (fraction === '') throw invalid(`'.' must be followed by digits`);
    } else if (integer === '') {
      throw invalid(`expected a number at '${text.slice(i)}'`);
    }

    const afterNumber = i;
    while (i < text.length && TIME_WHITESPACE.test(text[i]!)) i++;
    let multiplier = defaultUnitUs;
    const unit = TIME_UNITS.find(([name]) => text.startsWith(name, i));
    if (unit) {
      multiplier = unit[1];
      i += unit[0].length;
    } else if (i === afterNumber && i < text.length) {
      throw invalid(`unknown unit at '${text.slice(i)}'`);
    }

    total += BigInt(integer === '' ? '0' : integer) * multiplier;
    let scale = multiplier / 10n;
    for (const digit of fraction) {
      total += BigInt(digit) * scale;
      scale /= 10n;
    }
    parts++;
  }
  if (parts === 0) throw invalid('no value');
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('too large');
  return Number(total);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Linux signal numbers; systemd accepts these names with or without `SIG`, or the numbers. */
const LINUX_SIGNALS: ReadonlyArray<readonly [number, NodeJS.Signals]> = [
  [1, 'SIGHUP'],
  [2, 'SIGINT'],
  [3, 'SIGQUIT'],
  [4, 'SIGILL'],
  [5, 'SIGTRAP'],
  [6, 'SIGABRT'],
  [7, 'SIGBUS'],
  [8, 'SIGFPE'],
  [9, 'SIGKILL'],
  [10, 'SIGUSR1'],
  [11, 'SIGSEGV'],
  [12, 'SIGUSR2'],
  [13, 'SIGPIPE'],
  [14, 'SIGALRM'],
  [15, 'SIGTERM'],
  [16, 'SIGSTKFLT'],
  [17, 'SIGCHLD'],
  [18, 'SIGCONT'],
  [19, 'SIGSTOP'],
  [20, 'SIGTSTP'],
  [21, 'SIGTTIN'],
  [22, 'SIGTTOU'],
  [23, 'SIGURG'],
  [24, 'SIGXCPU'],
  [25, 'SIGXFSZ'],
  [26, 'SIGVTALRM'],
  [27, 'SIGPROF'],
  [28, 'SIGWINCH'],
  [29, 'SIGIO'],
  [30, 'SIGPWR'],
  [31, 'SIGSYS'],
];
const SIGNAL_BY_NUMBER = new Map(LINUX_SIGNALS);
const SIGNAL_BY_NAME = new Map<string, NodeJS.Signals>(LINUX_SIGNALS.map(([, name]) => [name, name]));

/** `SIGTERM`, `TERM` or `15` (Linux numbering). Real-time signals are not supported. */
export function parseSignal(value: string): NodeJS.Signals {
  const text = value.trim();
  const signal = signalFromWord(text);
  if (!signal) throw new RangeError(`invalid signal '${value}': expected a name such as SIGTERM or TERM, or a number 1-31`);
  return signal;
}

function signalFromWord(word: string): NodeJS.Signals | undefined {
  if (/^\d+$/.test(word)) return SIGNAL_BY_NUMBER.get(Number(word));
  return SIGNAL_BY_NAME.get(word.startsWith('SIG') ? word : `SIG${word}`);
}

/** The Linux number of a signal name, for exit statuses such as 128+n. */
export function signalNumber(signal: NodeJS.Signals): number | undefined {
  return LINUX_SIGNALS.find(([, name]) => name === signal)?.[0];
}

/**
 * SuccessExitStatus= and friends: space-separated exit codes (0-255) and signal names. A number
 * is always an exit code, never a signal. Without `onInvalid` an invalid word throws; with it,
 * the word is reported and skipped, as systemd does.
 */
export function parseExitStatusSet(value: string, onInvalid?: (word: string, message: string) => void): ExitStatusSet {
  const codes = new Set<number>();
  const signals: NodeJS.Signals[] = [];
  for (const word of value.split(/[ \t\n\r]+/)) {
    if (word === '') continue;
    if (/^\d+$/.test(word)) {
      const code = Number(word);
      if (code <= 255) {
        codes.add(code);
        continue;
      }
    } else {
      const signal = signalFromWord(word);
      if (signal) {
        if (!signals.includes(signal)) signals.push(signal);
        continue;
      }
    }
    const message = `invalid exit status '${word}' in '${value}': expected an exit code 0-255 or a signal name`;
    if (!onInvalid) throw new RangeError(message);
    onInvalid(word, message);
  }
  return { codes: [...codes].sort((a, b) => a - b), signals };
}

/** UMask=: an octal mode up to 07777 (`0022`, `022`, `22`). */
export function parseUmask(value: string): number {
  const text = value.trim();
  if (!/^[0-7]+$/.test(text)) throw new RangeError(`invalid umask '${value}': expected an octal number such as 0022`);
  const mask = Number.parseInt(text, 8);
  if (mask > 0o7777) throw new RangeError(`invalid umask '${value}': larger than 07777`);
  return mask;
}

/** A non-negative decimal integer (StartLimitBurst=, LogRateLimitBurst=). */
export function parseUnsignedInteger(value: string): number {
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw new RangeError(`invalid number '${value}': expected a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`invalid number '${value}': too large`);
  return n;
}
