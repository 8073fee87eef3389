import { Args } from '@oclif/core';
import type { VerifyResult } from '../unit-file/verify.js';
import { localSpecifierContext, SYSTEMD_UNIT_DEFAULTS } from './local-context.js';
import { UnitCommand } from './unit-command.js';

export default class UnitVerify extends UnitCommand {
  static override summary = 'Check unit files for mistakes, as `systemd-analyze verify` does.';
  static override description =
    'Runs here, not on a node: loads each file with its drop-ins beside it as a node would, and prints every problem as ' +
    'FILE:LINE: message on stderr, then the settings systemd knows that flotilla ignores. Exits 1 when any problem is an ' +
    'error; warnings alone exit 0.';
  static override examples = ['<%= config.bin %> unit verify ./app.service', '<%= config.bin %> unit verify units/*.service'];
  static override strict = false;
  static override args = { file: Args.string({ description: 'unit files', required: true }) };

  async run(): Promise<VerifyResult[]> {
    const { argv } = await this.parse(UnitVerify);
    // Loaded here so that the other commands do not carry the unit file parser.
    const { verifyUnitFiles, formatDiagnostic } = await import('../unit-file/verify.js');
    const results = await verifyUnitFiles(argv as string[], localSpecifierContext(), SYSTEMD_UNIT_DEFAULTS);
    if (!this.jsonEnabled()) {
      for (const { diagnostics, unsupported } of results) {
        for (const diagnostic of diagnostics) this.logToStderr(formatDiagnostic(diagnostic));
        for (const { file, line, section, key } of unsupported) this.logToStderr(`${file}:${line}: [${section}] ${key}= is not supported by flotilla, ignoring.`);
      }
    }
    const failed = results.some(({ diagnostics }) => diagnostics.some((d) => d.severity === 'error'));
    return this.finish(results, failed ? 1 : 0);
  }
}
