import { Args, Flags } from '@oclif/core';
import { NodeClient, streamLines } from '../../../core/cli/index.js';
import { FleetCommand } from './fleet-command.js';
import { remoteProblem, unitMachineEndpoint } from './remote-unit.js';
import { unitNameOf } from './unit-args.js';

/** A follow lasts until interrupted; an unreachable node still fails at once. */
const STREAM_TIMEOUT_MS = 2_147_483_647;
/** Formats that print one JSON object per entry, where journalctl prints no "-- No entries --". */
const JSON_OUTPUTS = new Set(['json', 'json-pretty', 'json-sse', 'json-seq']);

export default class FleetJournal extends FleetCommand {
  static override summary = "Print a unit's journal from its machine, as `fleetctl journal` does.";
  static override description =
    "Finds the unit's machine (GET /fleet/v1/units/NAME, then GET /v1/fleet/machines for its API address) and reads " +
    "that node's GET /v1/journal?unit=NAME. -f keeps printing new entries until Ctrl-C. Not for global units or units " +
    'that are not running.';
  static override examples = ['<%= config.bin %> fleet journal hello.service', '<%= config.bin %> fleet journal --lines 100 -f hello'];
  static override args = { unit: Args.string({ description: 'the unit (app is app.service)' }) };
  static override strict = false;
  static override flags = {
    lines: Flags.integer({ char: 'n', description: 'number of recent lines to show', default: 10, min: 0 }),
    follow: Flags.boolean({ char: 'f', description: 'keep printing new entries as they are written' }),
    output: Flags.string({ char: 'o', description: 'entry format, as journalctl -o (short, cat, json, verbose, …)', default: 'short' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(FleetJournal);
    if (argv.length !== 1) return this.fail('One unit file must be provided.');
    const name = unitNameOf(argv[0] as string);
    const api = this.fleetApi(flags);
    const unit = await api.unit(name);
    const problem = remoteProblem(name, unit, 'journal');
    if (problem) return this.fail(problem);
    const where = await unitMachineEndpoint(api, unit!);
    if ('error' in where) return this.fail(where.error);

    const params = new URLSearchParams({ unit: name, lines: String(flags.lines), output: flags.output });
    if (flags.follow) params.set('follow', 'true');
    const node = new NodeClient(where.endpoint, flags.token, STREAM_TIMEOUT_MS);
    const response = await node.request('GET', `/v1/journal?${params}`);
    const stop = new AbortController();
    const interrupted = () => stop.abort();
    process.once('SIGINT', interrupted);
    let shown = 0;
    try {
      if (response.body) {
        for await (const line of streamLines(response.body, stop.signal)) {
          process.stdout.write(`${line}\n`);
          shown++;
        }
      }
    } finally {
      process.off('SIGINT', interrupted);
    }
    if (!flags.follow && shown === 0 && !JSON_OUTPUTS.has(flags.output)) process.stdout.write('-- No entries --\n');
  }
}
