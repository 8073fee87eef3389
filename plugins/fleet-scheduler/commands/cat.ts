import { Args } from '@oclif/core';
import { serializeUnitOptions } from '../unit-file/unit-options.js';
import { FleetCommand } from './fleet-command.js';
import { unitNameOf } from './unit-args.js';

export default class FleetCat extends FleetCommand {
  static override summary = 'Print a unit file as the registry holds it, as `fleetctl cat` does.';
  static override description =
    'Prints the unit\'s options (GET /fleet/v1/units/NAME) serialized as fleet stores and hashes them: sections in ' +
    'order of first appearance, comments and blank lines of the original file gone.';
  static override examples = ['<%= config.bin %> fleet cat hello.service'];
  static override args = { unit: Args.string({ description: 'the unit (app is app.service)' }) };
  static override strict = false;

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetCat);
    if (argv.length !== 1) return this.fail('One unit file must be provided.');
    const name = unitNameOf(argv[0] as string);
    const unit = await this.orFail(`Error retrieving Unit ${name}`, () => this.fleetApi(flags).unit(name));
    if (!unit) return this.fail(`Unit ${name} not found`);
    process.stdout.write(serializeUnitOptions(unit.options ?? []));
  }
}
