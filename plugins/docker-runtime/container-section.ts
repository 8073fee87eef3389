import path from 'node:path';
import type { Generated, GeneratedSetting, UnitFileLocation, UnitForRuntime } from '../../core/index.js';
import { ContainerSpecError } from './container-spec.js';
import { escapeDollars, execWord, splitKeepingQuotes } from './exec-line-words.js';
import { parsePortBinding } from './port-binding.js';

/**
 * A Quadlet-style `[Container]` section turned into the `ExecStart=/usr/bin/docker run …` it
 * stands for, as podman's Quadlet generator does with `podman run`. Values keep their specifiers
 * (`%N`, `%h`), which systemd expands in the generated ExecStart=.
 */

export const CONTAINER_SECTION = 'Container';
export const DOCKER_PROGRAM = '/usr/bin/docker';

type Entry = UnitForRuntime['entries'][number];
type Problem = { message: string } & UnitFileLocation;

interface KeyRule {
  /** Whether assignments add to a list (an empty one clears it) or the last one wins (an empty one unsets). */
  repeats: 'append' | 'last';
  /** docker run words for one assignment, in Exec*= syntax; a string is what is wrong with it. */
  words?(value: string, entry: Entry, unit: UnitForRuntime): string[] | string;
}

/** `NAME=` at the start of an item as written, possibly after its opening quote. */
const ENVIRONMENT_ITEM = { pattern: /^["']?[A-Za-z_][A-Za-z0-9_]*=/, expected: "NAME=value, NAME of letters, digits and '_'" };

const option =
  (flag: string) =>
  (value: string): string[] => [flag, execWord(value)];

/** Supported keys; the order here is the order of their flags in the generated line. */
const KEY_RULES: Readonly<Record<string, KeyRule>> = {
  Image: { repeats: 'last' },
  Exec: { repeats: 'last' },
  ContainerName: { repeats: 'last' },
  EnvironmentFile: { repeats: 'append', words: environmentFileWords },
  Environment: { repeats: 'append', words: (value) => listItemWords('--env', 'Environment', value, ENVIRONMENT_ITEM) },
  Label: { repeats: 'append', words: (value) => listItemWords('--label', 'Label', value) },
  PublishPort: { repeats: 'append', words: publishPortWords },
  Volume: { repeats: 'append', words: option('--volume') },
  Network: { repeats: 'last', words: option('--network') },
  User: { repeats: 'last', words: option('--user') },
  WorkingDir: { repeats: 'last', words: option('--workdir') },
  HostName: { repeats: 'last', words: option('--hostname') },
  Entrypoint: { repeats: 'last', words: option('--entrypoint') },
  StopTimeout: { repeats: 'last', words: stopTimeoutWords },
};

/** The ExecStart= a unit's [Container] section generates, or undefined when it has none. */
export function generateFromContainerSection(unit: UnitForRuntime): Generated | undefined {
  const entries = unit.entries.filter((e) => e.section === CONTAINER_SECTION);
  if (entries.length === 0) return undefined;

  const problems: Problem[] = [];
  const assignments = new Map<string, Entry[]>();
  for (const entry of entries) {
    const rule = Object.hasOwn(KEY_RULES, entry.key) ? KEY_RULES[entry.key] : undefined;
    if (!rule) {
      problems.push(at(entry, `unknown key ${entry.key} in [${CONTAINER_SECTION}]`));
      continue;
    }
    const earlier = rule.repeats === 'append' ? (assignments.get(entry.key) ?? []) : [];
    assignments.set(entry.key, entry.value === '' ? [] : [...earlier, entry]);
  }
  problems.push(...serviceExecStartConflicts(unit));

  const image = assignments.get('Image')?.[0];
  if (!image) {
    problems.push(at(entries[0]!, `[${CONTAINER_SECTION}] needs Image=, the image to run`));
    return { settings: [], problems };
  }

  const words = [DOCKER_PROGRAM, 'run', '--rm', '--name', containerNameWord(unit, assignments.get('ContainerName')?.[0])];
  for (const [key, rule] of Object.entries(KEY_RULES)) {
    if (!rule.words) continue;
    for (const entry of assignments.get(key) ?? []) {
      const result = rule.words(entry.value, entry, unit);
      if (typeof result === 'string') problems.push(at(entry, result));
      else words.push(...result);
    }
  }
  words.push(execWord(image.value));
  const exec = assignments.get('Exec')?.[0];
  if (exec) {
    const result = execArgumentWords(exec.value);
    if (typeof result === 'string') problems.push(at(exec, result));
    else words.push(...result);
  }

  const setting: GeneratedSetting = { section: 'Service', key: 'ExecStart', value: words.join(' '), file: image.file, line: image.line };
  return { settings: [setting], problems };
}

/** ContainerName=, else Quadlet's default: `systemd-%N`, or `systemd-%p_%i` for a template instance (`@` is not allowed in a container name). */
function containerNameWord(unit: UnitForRuntime, entry: Entry | undefined): string {
  if (entry) return execWord(entry.value);
  return unit.name.includes('@') ? 'systemd-%p_%i' : 'systemd-%N';
}

/**
 * Exec= has the syntax of a command line already, so its words go in as written, `$VAR`
 * substitution included; only a lone `;` is escaped, which would otherwise start a second command.
 */
function execArgumentWords(value: string): string[] | string {
  const split = splitKeepingQuotes(value);
  if (split.error !== undefined) return `Exec=: ${split.error}`;
  return split.items.map((item) => (item === ';' ? '\\;' : item));
}

/**
 * Environment= and Label= hold space-separated `NAME=value` items in systemd's quoting; each item
 * keeps its quoting and becomes the word after the flag, so the Exec*= parser unquotes it as the
 * setting itself would. `$` is doubled: these settings substitute no variables.
 */
function listItemWords(flag: string, key: string, value: string, validItem?: { pattern: RegExp; expected: string }): string[] | string {
  const split = splitKeepingQuotes(value);
  if (split.error !== undefined) return `${key}=: ${split.error}`;
  const words: string[] = [];
  for (const item of split.items) {
    if (validItem && !validItem.pattern.test(item)) return `invalid ${key}= item ${item} in [${CONTAINER_SECTION}]: expected ${validItem.expected}`;
    words.push(flag, escapeDollars(item));
  }
  return words;
}

/** One file per assignment; a relative path is taken from the unit file's directory, as Quadlet does. */
function environmentFileWords(value: string, entry: Entry, unit: UnitForRuntime): string[] | string {
  const file = value.trim();
  if (file.startsWith('-')) return `EnvironmentFile=${file}: an optional file ('-') is not supported in [${CONTAINER_SECTION}]; docker needs the file`;
  const absolute = file.startsWith('/') || file.startsWith('%') ? file : path.posix.join(path.posix.dirname(unit.fragmentPath ?? entry.file), file);
  return ['--env-file', execWord(absolute)];
}

function publishPortWords(value: string): string[] | string {
  const publication = value.trim();
  // With a specifier in it the value is only known once systemd has expanded it.
  if (!publication.includes('%')) {
    try {
      parsePortBinding(publication);
    } catch (error) {
      if (error instanceof ContainerSpecError) return `PublishPort=: ${error.message}`;
      throw error;
    }
  }
  return ['--publish', execWord(publication)];
}

function stopTimeoutWords(value: string): string[] | string {
  const seconds = value.trim();
  if (!/^\d+$/.test(seconds)) return `invalid StopTimeout=${value} in [${CONTAINER_SECTION}]: expected whole seconds`;
  return ['--stop-timeout', seconds];
}

/** An ExecStart= of the unit's own that would stand beside the generated one. */
function serviceExecStartConflicts(unit: UnitForRuntime): Problem[] {
  let own: Entry[] = [];
  for (const entry of unit.entries) {
    if (entry.section !== 'Service' || entry.key !== 'ExecStart') continue;
    own = entry.value === '' ? [] : [...own, entry];
  }
  return own.map((entry) => at(entry, `ExecStart= cannot be set in a unit with a [${CONTAINER_SECTION}] section, which generates its ExecStart=`));
}

function at(entry: Entry, message: string): Problem {
  return { message, file: entry.file, line: entry.line };
}
