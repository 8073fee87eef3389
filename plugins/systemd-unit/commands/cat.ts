import { Args } from '@oclif/core';
import { UnitApiError } from './unit-api.js';
import { UnitCommand } from './unit-command.js';
import { mangleUnitName } from './unit-names.js';

export default class UnitCat extends UnitCommand {
  static override summary = "Print units' files and drop-ins, as `systemctl cat` does.";
  static override description = 'Each file is preceded by a "# PATH" line, in the order the files apply.';
  static override examples = ['<%= config.bin %> unit cat app.service'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'unit names (app is app.service)', required: true }) };

  async run(): Promise<{ unit: string; files: { path: string; text: string }[] }[]> {
    const { flags, argv } = await this.parse(UnitCat);
    const api = this.unitApi(flags);
    const shown: { unit: string; files: { path: string; text: string }[] }[] = [];
    let code = 0;
    for (const name of (argv as string[]).map(mangleUnitName)) {
      let files: { path: string; text: string }[];
      try {
        files = await api.cat(name);
      } catch (error) {
        if (!(error instanceof UnitApiError) || error.status !== 404) throw error;
        this.logToStderr(`No files found for ${name}.`);
        code = 1;
        continue;
      }
      shown.push({ unit: name, files });
      if (this.jsonEnabled()) continue;
      for (const file of files) {
        if (shown.length > 1 || file !== files[0]) this.log('');
        this.log(`# ${file.path}`);
        this.log(file.text.endsWith('\n') ? file.text.slice(0, -1) : file.text);
      }
    }
    return this.finish(shown, code);
  }
}
