import type { ExecCommand, UnitDiagnostic } from './definition.js';
import { isWordSeparator, readWord, skipSeparators, splitWords, unknownEscapesMessage } from './quoting.js';

const PATH_MAX = 4096;
const NAME_MAX = 255;

export interface ParseExecOptions {
  /** The setting's name (`ExecStart`), for messages. */
  key?: string;
  section?: string;
  /**
   * Applied to the program and to every argument after unquoting: specifier expansion. systemd
   * expands per word, so a value with spaces stays one argument. May throw.
   */
  expandWord?: (word: string) => string;
  /** Receives warnings: unknown escapes, and commands dropped because their `-` prefix tolerates errors. */
  diagnostics?: UnitDiagnostic[];
}

/** A command line systemd would refuse; a unit holding one has a bad setting. */
export class ExecSyntaxError extends RangeError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly key: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${key ? `${key}=: ` : ''}${reason}`);
    this.name = 'ExecSyntaxError';
  }
}

interface Prefixes {
  ignoreFailure: boolean;
  separateArgv0: boolean;
  noEnvExpansion: boolean;
  fullPrivileges: boolean;
  skipCredentials: boolean;
  /** `!!` seen. */
  ambient: boolean;
}

/**
 * Parses one Exec*= value into its commands (systemd.service "Command lines"). Commands are
 * separated by a lone `;` word (`\;` is a literal `;` argument). An empty value yields [],
 * which the caller treats as a reset.
 *
 * A problem in a command throws ExecSyntaxError, except in a command with the `-` prefix, which
 * is then dropped with a warning along with the rest of the value, as systemd does. An unclosed
 * quote in the first word also only drops the rest of the value, another systemd quirk.
 */
export function parseExecSetting(value: string, file: string, line: number, options: ParseExecOptions = {}): ExecCommand[] {
  const commands: ExecCommand[] = [];
  const warn = (message: string) =>
    options.diagnostics?.push({ severity: 'warning', file, line, section: options.section, key: options.key, message });
  const expand = options.expandWord ?? ((word: string) => word);
  let position = 0;

  for (;;) {
    const first = readWord(value, position);
    if (first.kind === 'end') return commands;
    if (first.kind === 'error') {
      warn(`${first.message}; ignoring the rest of the setting`);
      return commands;
    }
    if (first.unknownEscapes.length > 0) warn(unknownEscapesMessage(first.word));
    position = first.end;
    if (first.word === ';') continue;

    const { prefixes, rest } = takePrefixes(first.word);
    // With `-`, systemd logs a bad command as a warning and ignores the remainder of the setting.
    const fail = (reason: string): ExecCommand[] => {
      if (!prefixes.ignoreFailure) throw new ExecSyntaxError(file, line, options.key, reason);
      warn(`${reason}; ignoring the rest of the setting because of the '-' prefix`);
      return commands;
    };

    let program: string;
    try {
      program = expand(rest);
    } catch (error) {
      return fail(`cannot expand specifiers in '${rest}': ${(error as Error).message}`);
    }
    const problem = programProblem(program);
    if (problem) return fail(`${problem}: '${first.word}' in '${value}'`);

    const words: string[] = prefixes.separateArgv0 ? [] : [program];
    let end = first.end;
    let separated = false;
    for (;;) {
      const at = skipSeparators(value, position);
      if (at >= value.length) {
        position = at;
        break;
      }
      if (value[at] === ';' && (at + 1 >= value.length || isWordSeparator(value[at + 1]))) {
        position = at + 1;
        separated = true;
        break;
      }
      if (value.startsWith('\\;', at) && (at + 2 >= value.length || isWordSeparator(value[at + 2]))) {
        words.push(';');
        position = end = at + 2;
        continue;
      }
      const next = readWord(value, at);
      if (next.kind === 'end') break;
      if (next.kind === 'error') return fail(next.message);
      if (next.unknownEscapes.length > 0) warn(unknownEscapesMessage(next.word));
      try {
        words.push(expand(next.word));
      } catch (error) {
        return fail(`cannot expand specifiers in '${next.word}': ${(error as Error).message}`);
      }
      position = end = next.end;
    }

    if (words.length === 0) return fail(`no argv[0] after the '@' prefix in '${value}'`);
    commands.push({
      text: value.slice(first.start, end),
      path: simplifyPath(program),
      argv0: words[0]!,
      args: words.slice(1),
      ignoreFailure: prefixes.ignoreFailure,
      noEnvExpansion: prefixes.noEnvExpansion,
      fullPrivileges: prefixes.fullPrivileges,
      skipCredentials: prefixes.skipCredentials || prefixes.ambient,
      file,
      line,
    });
    if (!separated) return commands;
  }
}

/**
 * Takes `@ - : + ! !!` off the front of the first word. Each may appear once, in any order, and
 * only one of `+ ! !!`; a repeated or conflicting mark ends the prefixes and stays in the program
 * name (which then fails validation), as in systemd.
 */
function takePrefixes(word: string): { prefixes: Prefixes; rest: string } {
  const p: Prefixes = {
    ignoreFailure: false,
    separateArgv0: false,
    noEnvExpansion: false,
    fullPrivileges: false,
    skipCredentials: false,
    ambient: false,
  };
  let i = 0;
  for (; i < word.length; i++) {
    const c = word[i];
    const privilegeSet = p.fullPrivileges || p.skipCredentials || p.ambient;
    if (c === '-' && !p.ignoreFailure) p.ignoreFailure = true;
    else if (c === '@' && !p.separateArgv0) p.separateArgv0 = true;
    else if (c === ':' && !p.noEnvExpansion) p.noEnvExpansion = true;
    else if (c === '+' && !privilegeSet) p.fullPrivileges = true;
    else if (c === '!' && !privilegeSet) p.skipCredentials = true;
    else if (c === '!' && p.skipCredentials && !p.ambient) {
      p.skipCredentials = false;
      p.ambient = true;
    } else break;
  }
  return { prefixes: p, rest: word.slice(i) };
}

function programProblem(program: string): string | undefined {
  if (program === '') return 'empty program path';
  if (/[\x00-\x1f\x7f"'\\]/.test(program)) return 'the program name contains quotes, backslashes or control characters';
  if (program.startsWith('$')) return 'the program may not be a variable (variables are not expanded in the program name)';
  if (program.endsWith('/')) return 'the program path names a directory';
  if (program.startsWith('/')) {
    if (Buffer.byteLength(program) >= PATH_MAX) return 'the program path is too long';
    const components = program.split('/');
    if (components.some((c) => Buffer.byteLength(c) > NAME_MAX)) return 'a component of the program path is too long';
    const last = components[components.length - 1];
    if (last === '.' || last === '..') return 'the program path names a directory';
    return undefined;
  }
  if (program.includes('/') || program === '.' || program === '..' || Buffer.byteLength(program) > NAME_MAX) {
    return 'the program is neither an absolute path nor a plain file name';
  }
  return undefined;
}

/** Drops repeated slashes and `.` components, as systemd does before running a path. */
function simplifyPath(path: string): string {
  if (!path.startsWith('/')) return path;
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return '/' + parts.join('/');
}

/**
 * A command's argv in an environment, at spawn time (the runtime resolves the program). Unless the command has the `:`
 * prefix, every word of argv (argv[0] included, the program path not):
 * - that is `$NAME` as a whole becomes the value split on whitespace (quotes respected, then
 *   removed) into zero or more words; an unset variable gives no word. The name is everything
 *   after `$`, so `$A$B` or `$A/x` name variables that do not exist;
 * - otherwise has `${NAME}` replaced by the whole value (unset: empty), `$$` by `$`; other `$`
 *   text, and `${NAME:-x}` forms, stay as written.
 */
export function expandArgv(cmd: ExecCommand, env: Readonly<Record<string, string>>): string[] {
  const words = [cmd.argv0, ...cmd.args];
  return cmd.noEnvExpansion ? words : words.flatMap((word) => expandWordVariables(word, env));
}

/** One argv word after environment substitution: zero or more words. */
export function expandWordVariables(word: string, env: Readonly<Record<string, string>>): string[] {
  if (word.startsWith('$') && word[1] !== '{' && word[1] !== '$') {
    const value = lookup(env, word.slice(1));
    if (value === undefined) return [];
    return splitWords(value, { cEscapes: false, relaxed: true }).words;
  }
  return [substituteBracedVariables(word, env)];
}

/** `${NAME}` → value, `$$` → `$`; an unclosed `${` or a `${NAME:…}` form stays as written. */
export function substituteBracedVariables(text: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += c;
      i++;
      continue;
    }
    let j = i + 2;
    while (j < text.length && text[j] !== '}' && text[j] !== ':') j++;
    if (j < text.length && text[j] === '}') {
      out += lookup(env, text.slice(i + 2, j)) ?? '';
      i = j + 1;
      continue;
    }
    // Unsupported `${NAME:…}` or unclosed `${`: keep `${NAME` and go on scanning after it, so that
    // a `${…}` nested inside is still replaced.
    out += text.slice(i, j);
    i = j;
  }
  return out;
}

function lookup(env: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
