import { parseFlags } from './cli-flags.js';
import { ContainerSpecError, type DockerControlCommand } from './container-spec.js';
import { booleanValue, integerValue, stringValue } from './flag-values.js';

export const CONTROL_VERBS = ['kill', 'stop', 'rm', 'pull', 'info'] as const;
export type ControlVerb = (typeof CONTROL_VERBS)[number];

export function isControlVerb(verb: string): verb is ControlVerb {
  return (CONTROL_VERBS as readonly string[]).includes(verb);
}

/** `docker kill|stop|rm|pull|info …`: the words after the verb. */
export function parseControlCommand(verb: ControlVerb, args: readonly string[]): DockerControlCommand {
  const command = `docker ${verb}`;
  switch (verb) {
    case 'kill': {
      const { flags, operands } = parseFlags({ signal: { long: ['signal'], short: 's', takesValue: true } }, args, { command, interspersed: true });
      const signal = flags.map(stringValue).at(-1);
      return signal === undefined ? { verb, names: containerNames(command, operands) } : { verb, names: containerNames(command, operands), signal };
    }
    case 'stop': {
      const { flags, operands } = parseFlags({ timeout: { long: ['time', 'timeout'], short: 't', takesValue: true } }, args, { command, interspersed: true });
      const timeout = flags.map(integerValue).at(-1);
      return timeout === undefined ? { verb, names: containerNames(command, operands) } : { verb, names: containerNames(command, operands), timeout };
    }
    case 'rm': {
      const { flags, operands } = parseFlags({ force: { long: ['force'], short: 'f', takesValue: false } }, args, { command, interspersed: true });
      return { verb, names: containerNames(command, operands), force: flags.map(booleanValue).at(-1) ?? false };
    }
    case 'pull': {
      const { operands } = parseFlags({}, args, { command, interspersed: true });
      if (operands.length !== 1) throw new ContainerSpecError(`${command} takes exactly one image, got ${operands.length}`);
      return { verb, image: operands[0]! };
    }
    case 'info': {
      const { operands } = parseFlags({}, args, { command, interspersed: true });
      if (operands.length > 0) throw new ContainerSpecError(`${command} takes no arguments`);
      return { verb };
    }
  }
}

function containerNames(command: string, operands: string[]): string[] {
  if (operands.length === 0) throw new ContainerSpecError(`${command} needs at least one container name`);
  return operands;
}
