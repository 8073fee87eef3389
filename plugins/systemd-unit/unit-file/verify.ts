import path from 'node:path';
import { checkUnit, unsupportedSettings, type UnsupportedSetting } from './definition-builder.js';
import type { SpecifierContext, UnitDefaults, UnitDiagnostic } from './definition.js';
import { UnitLoader } from './loader.js';
import { instanceName, isValidUnitName, parseUnitName } from './unit-name.js';

export interface VerifyResult {
  /** The path as given. */
  file: string;
  /** Errors (the unit would not load) and warnings, in file order. */
  diagnostics: UnitDiagnostic[];
  /** Settings systemd knows that this runtime ignores; not problems with the file. */
  unsupported: UnsupportedSetting[];
}

/** The instance `systemd-analyze verify` gives a template it is asked to check. */
export const VERIFY_INSTANCE = 'i';

/**
 * Checks unit files as `systemd-analyze verify` does: each is loaded on its own, with the
 * directory it is in as the only search directory (so its drop-ins there apply), and built.
 * A template is checked as its instance `i`.
 */
export async function verifyUnitFiles(paths: string[], ctx: SpecifierContext, defaults: UnitDefaults): Promise<VerifyResult[]> {
  const results: VerifyResult[] = [];
  for (const given of paths) results.push(await verifyUnitFile(given, ctx, defaults));
  return results;
}

async function verifyUnitFile(given: string, ctx: SpecifierContext, defaults: UnitDefaults): Promise<VerifyResult> {
  const file = path.resolve(given);
  const fileName = path.basename(file);
  const fail = (message: string): VerifyResult => ({ file: given, diagnostics: [{ severity: 'error', file, line: 0, message }], unsupported: [] });
  if (!isValidUnitName(fileName)) {
    return fail(`'${fileName}' is not a unit file name (name.service, name@.service, name.target, …)`);
  }
  const name = parseUnitName(fileName).isTemplate ? instanceName(fileName, VERIFY_INSTANCE) : fileName;
  try {
    const loaded = await new UnitLoader([path.dirname(file)]).load(name);
    return { file: given, diagnostics: checkUnit(loaded, ctx, defaults), unsupported: unsupportedSettings(loaded) };
  } catch (err) {
    return fail(`cannot load: ${(err as Error).message}`);
  }
}

/** `file:line: Key=: message`; a problem with the unit as a whole (line 0) is `file: message`. */
export function formatDiagnostic(d: UnitDiagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  return `${where}: ${d.key ? `${d.key}=: ` : ''}${d.message}`;
}
