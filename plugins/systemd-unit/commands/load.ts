import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Args } from '@oclif/core';
import type { UnitStatus } from '../../../core/index.js';
import { invalidUnitNameMessage, isValidUnitName } from '../unit-name-check.js';
import { UnitCommand } from './unit-command.js';

export default class UnitLoad extends UnitCommand {
  static override summary = "Install a unit file on the node and load it, under the file's name.";
  static override description =
    'Sends FILE to PUT /v1/units/NAME, NAME being its base name (app.service); the node writes it to its unit directory and ' +
    'reloads it. A unit already running keeps running until it is restarted. Exits 1 when the node finds the file bad ' +
    '(see `flotilla unit verify`).';
  static override examples = ['<%= config.bin %> unit load ./app.service', '<%= config.bin %> unit load ./app@.service'];
  static override args = { file: Args.string({ description: 'the unit file', required: true }) };

  async run(): Promise<UnitStatus> {
    const { args, flags } = await this.parse(UnitLoad);
    const name = path.basename(args.file);
    if (!isValidUnitName(name)) this.error(invalidUnitNameMessage(name), { exit: 1 });
    let content: string;
    try {
      content = await readFile(args.file, 'utf8');
    } catch (error) {
      this.error(`Cannot read ${args.file}: ${(error as Error).message}`, { exit: 1 });
    }
    const status = await this.unitApi(flags).load(name, content);
    if (status.loadState !== 'loaded') {
      this.logToStderr(`Unit ${name} is ${status.loadState}; see \`flotilla unit status ${name}\` and \`flotilla unit verify ${args.file}\`.`);
      return this.finish(status, 1);
    }
    return status;
  }
}
