import { parseFlags, type FlagOccurrence, type FlagTable } from './cli-flags.js';
import { ContainerSpecError, type ContainerSpec, type DockerControlCommand } from './container-spec.js';
import { CONTROL_VERBS, isControlVerb, parseControlCommand } from './docker-control-command.js';
import { booleanValue, integerValue, memoryBytesValue, nanoCpusValue, stringValue } from './flag-values.js';
import { parsePortBinding } from './port-binding.js';

export type DockerCommand = { kind: 'run'; spec: ContainerSpec; warnings: string[] } | { kind: 'control'; command: DockerControlCommand };

/** `docker`, or an absolute path whose last component is `docker`. */
export function isDockerProgram(program: string): boolean {
  return program === 'docker' || (program.startsWith('/') && program.endsWith('/docker'));
}

/**
 * The words after the `docker` program of a unit's command line, already unquoted and expanded.
 * Throws ContainerSpecError for what cannot run as a unit's command.
 */
export function parseDockerCommand(args: readonly string[]): DockerCommand {
  const [verb, ...rest] = args;
  if (verb === 'run') return { kind: 'run', ...parseRunArguments(rest) };
  if (verb !== undefined && isControlVerb(verb)) return { kind: 'control', command: parseControlCommand(verb, rest) };
  const supported = `supported: run, ${CONTROL_VERBS.join(', ')}`;
  if (verb === undefined) throw new ContainerSpecError(`docker needs a command; ${supported}`);
  if (verb.startsWith('-')) throw new ContainerSpecError(`docker option ${verb} before the command is not supported in unit files; ${supported}`);
  throw new ContainerSpecError(`docker ${verb} is not supported in unit files; ${supported}`);
}

const RUN_FLAGS = {
  rm: { long: ['rm'], takesValue: false },
  name: { long: ['name'], takesValue: true },
  env: { long: ['env'], short: 'e', takesValue: true },
  envFile: { long: ['env-file'], takesValue: true },
  publish: { long: ['publish'], short: 'p', takesValue: true },
  volume: { long: ['volume'], short: 'v', takesValue: true },
  network: { long: ['network', 'net'], takesValue: true },
  workdir: { long: ['workdir'], short: 'w', takesValue: true },
  user: { long: ['user'], short: 'u', takesValue: true },
  entrypoint: { long: ['entrypoint'], takesValue: true },
  label: { long: ['label'], short: 'l', takesValue: true },
  hostname: { long: ['hostname'], short: 'h', takesValue: true },
  memory: { long: ['memory'], short: 'm', takesValue: true },
  cpus: { long: ['cpus'], takesValue: true },
  init: { long: ['init'], takesValue: false },
  stopSignal: { long: ['stop-signal'], takesValue: true },
  stopTimeout: { long: ['stop-timeout'], takesValue: true },
  interactive: { long: ['interactive'], short: 'i', takesValue: false },
  tty: { long: ['tty'], short: 't', takesValue: false },
  detach: { long: ['detach'], short: 'd', takesValue: false },
  restart: { long: ['restart'], takesValue: true },
} as const satisfies FlagTable<string>;

type RunFlag = FlagOccurrence<keyof typeof RUN_FLAGS>;

/** `docker run [flags] IMAGE [COMMAND…]`: flags stop at the image; what follows is the container's command. */
function parseRunArguments(args: readonly string[]): { spec: ContainerSpec; warnings: string[] } {
  const { flags, operands } = parseFlags(RUN_FLAGS, args, { command: 'docker run', interspersed: false });
  const [image, ...cmd] = operands;
  if (image === undefined || image === '') throw new ContainerSpecError('docker run needs an image: docker run [flags] IMAGE [COMMAND…]');

  const spec: ContainerSpec = { image, cmd, env: [], envFiles: [], publish: [], volumes: [], labels: {}, init: false, autoRemove: false };
  const passEnv: string[] = [];
  const warnings: string[] = [];
  for (const flag of flags) applyRunFlag(spec, passEnv, warnings, flag);
  if (passEnv.length > 0) spec.passEnv = passEnv;
  return { spec, warnings };
}

function applyRunFlag(spec: ContainerSpec, passEnv: string[], warnings: string[], flag: RunFlag): void {
  switch (flag.key) {
    case 'rm':
      spec.autoRemove = booleanValue(flag);
      return;
    case 'init':
      spec.init = booleanValue(flag);
      return;
    case 'interactive':
    case 'tty':
      booleanValue(flag);
      return;
    case 'detach':
      if (booleanValue(flag)) {
        throw new ContainerSpecError("docker run -d cannot run as a unit's main process: a unit's main process stays in the foreground; remove -d");
      }
      return;
    case 'restart':
      warnings.push(`docker run --restart=${stringValue(flag)} is ignored: the unit's Restart= decides when the container runs again`);
      return;
    case 'name': {
      const name = stringValue(flag);
      if (name === '') delete spec.name;
      else spec.name = name;
      return;
    }
    case 'env':
      addEnv(spec, passEnv, flag);
      return;
    case 'envFile':
      spec.envFiles.push({ path: nonEmpty(flag), optional: false });
      return;
    case 'publish':
      spec.publish.push(parsePortBinding(stringValue(flag)));
      return;
    case 'volume':
      spec.volumes.push(nonEmpty(flag));
      return;
    case 'network':
      spec.network = nonEmpty(flag);
      return;
    case 'workdir':
      spec.workdir = nonEmpty(flag);
      return;
    case 'user':
      spec.user = nonEmpty(flag);
      return;
    case 'hostname':
      spec.hostname = nonEmpty(flag);
      return;
    case 'entrypoint':
      // Docker's semantics: one word, however many spaces it holds; "" clears the image's entrypoint.
      spec.entrypoint = [stringValue(flag)];
      return;
    case 'label': {
      const text = stringValue(flag);
      const eq = text.indexOf('=');
      const key = eq < 0 ? text : text.slice(0, eq);
      if (key === '') throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: expected KEY=value`);
      spec.labels[key] = eq < 0 ? '' : text.slice(eq + 1);
      return;
    }
    case 'memory':
      spec.memoryBytes = memoryBytesValue(flag);
      return;
    case 'cpus':
      spec.nanoCpus = nanoCpusValue(flag);
      return;
    case 'stopSignal':
      spec.stopSignal = nonEmpty(flag);
      return;
    case 'stopTimeout':
      spec.stopTimeout = integerValue(flag);
      return;
  }
}

/** `-e NAME=value` sets NAME; `-e NAME` passes NAME through from the environment. The later of the two wins. */
function addEnv(spec: ContainerSpec, passEnv: string[], flag: RunFlag): void {
  const text = stringValue(flag);
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (name === '' || /\s/.test(name)) throw new ContainerSpecError(`invalid value '${text}' for ${flag.spelled}: expected NAME=value or NAME`);
  const passed = passEnv.indexOf(name);
  if (passed >= 0) passEnv.splice(passed, 1);
  if (eq >= 0) {
    spec.env.push([name, text.slice(eq + 1)]);
    return;
  }
  spec.env = spec.env.filter(([existing]) => existing !== name);
  passEnv.push(name);
}

function nonEmpty(flag: RunFlag): string {
  const text = stringValue(flag);
  if (text === '') throw new ContainerSpecError(`${flag.spelled} needs a non-empty value`);
  return text;
}
