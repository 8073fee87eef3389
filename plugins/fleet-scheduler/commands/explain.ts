import { Args } from '@oclif/core';
import { machineIdLegend, machineLegend, parseFields, type ColumnContext } from './columns.js';
import type { MachineVerdict, PlacementExplanation } from './fleet-api.js';
import { FleetCommand, MachineDirectory } from './fleet-command.js';
import { listFlags, listTable } from './list-flags.js';
import { unitNameOf } from './unit-args.js';

type Column = (verdict: MachineVerdict, context: ColumnContext) => string;

const formatScore = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function totalOf(verdict: MachineVerdict): number | undefined {
  if (verdict.total !== undefined) return verdict.total;
  return verdict.scores.length > 0 ? verdict.scores.reduce((sum, s) => sum + s.score, 0) : undefined;
}

export const EXPLAIN_COLUMNS: Readonly<Record<string, Column>> = {
  machine: (v, c) => {
    const machine = c.machine(v.id);
    return machine.primaryIP ? machineLegend(machine, c.full) : machineIdLegend(v.id, c.full);
  },
  name: (v) => v.name || '-',
  verdict: (v) => (v.chosen ? 'chosen' : v.accepted ? 'accepted' : 'rejected'),
  constraint: (v) => (v.rejections.length > 0 ? v.rejections.map((r) => r.constraint).join(',') : '-'),
  reason: (v) => (v.rejections.length > 0 ? v.rejections.map((r) => r.reason).join('; ') : '-'),
  score: (v) => {
    const total = totalOf(v);
    return v.accepted && total !== undefined ? formatScore(total) : '-';
  },
  scores: (v) => (v.scores.length > 0 ? v.scores.map((s) => `${s.constraint}=${formatScore(s.score)}`).join(',') : '-'),
};
export const DEFAULT_EXPLAIN_FIELDS = 'machine,verdict,constraint,reason,score';

export default class FleetExplain extends FleetCommand {
  static override summary = 'Show why the scheduler would place a unit where it does: per machine, the rules that refuse it and the scores.';
  static override description =
    'Reads GET /v1/fleet/explain/NAME. VERDICT is chosen (where the unit goes), accepted (every rule lets it run there) ' +
    'or rejected; CONSTRAINT and REASON name the rules that refuse the machine and why; SCORE is the sum of the ' +
    'scores that rank accepted machines, SCORES each rule\'s part. A global unit runs on every accepted machine.';
  static override examples = ['<%= config.bin %> fleet explain hello.service', '<%= config.bin %> fleet explain web@1 --fields=machine,name,verdict,scores --full'];
  static override enableJsonFlag = true;
  static override args = { unit: Args.string({ description: 'the unit (app is app.service)' }) };
  static override strict = false;
  static override flags = listFlags(DEFAULT_EXPLAIN_FIELDS, Object.keys(EXPLAIN_COLUMNS).sort().join(','));

  async run(): Promise<PlacementExplanation> {
    const { flags, argv } = await this.parse(FleetExplain);
    if (argv.length !== 1) return this.fail('One unit file must be provided.');
    const parsed = parseFields(flags.fields, EXPLAIN_COLUMNS);
    if ('error' in parsed) return this.fail(parsed.error);
    const name = unitNameOf(argv[0] as string);
    const api = this.fleetApi(flags);
    const explanation = await api.explain(name);
    if (!explanation) return this.fail(`Unit ${name} does not exist.`);
    if (this.jsonEnabled()) return explanation;
    const machine = parsed.fields.includes('machine') ? await new MachineDirectory(api).lookup() : undefined;
    process.stdout.write(listTable(explanation.machines, parsed.fields, EXPLAIN_COLUMNS, flags, machine));
    return explanation;
  }
}
