import type { JournalFields } from '../../../core/index.js';
import { MAX_RECORD_BYTES, NO_PRIORITY } from './segment-file.js';

export interface JournalIdentity {
  machineId: string;
  bootId: string;
  hostname: string;
}

const FIELD_NAME = /^(?!__)[A-Z_][A-Z0-9_]{0,63}$/;
const known = new Set<string>();

export function assertFieldName(name: string): void {
  if (known.has(name)) return;
  if (!FIELD_NAME.test(name)) throw new TypeError(`invalid journal field name ${JSON.stringify(name)}: use A-Z, 0-9 and _, at most 64 characters, not starting with a digit or "__"`);
  if (known.size < 10_000) known.add(name);
}

export interface PreparedEntry {
  json: string;
  priority: number;
  unit: string | undefined;
  transport: string;
}

const TRUSTED = new Set(['_MACHINE_ID', '_BOOT_ID', '_HOSTNAME']);

/**
 * Checks an entry and encodes it as JSON with the fields the journal vouches for (_MACHINE_ID,
 * _BOOT_ID, _HOSTNAME replace the caller's; _TRANSPORT defaults to "journal").
 */
export function prepareEntry(input: JournalFields, identity: JournalIdentity): PreparedEntry {
  let json = '{';
  for (const key of Object.keys(input)) {
    assertFieldName(key);
    const value = input[key];
    if (typeof value !== 'string') throw new TypeError(`journal field ${key} must be a string`);
    if (TRUSTED.has(key)) continue;
    json += `"${key}":${JSON.stringify(value)},`;
  }
  const transport = input._TRANSPORT ?? 'journal';
  if (input._TRANSPORT === undefined) json += '"_TRANSPORT":"journal",';
  json += `"_MACHINE_ID":${JSON.stringify(identity.machineId)},"_BOOT_ID":${JSON.stringify(identity.bootId)},"_HOSTNAME":${JSON.stringify(identity.hostname)}}`;
  const p = input.PRIORITY;
  let priority = NO_PRIORITY;
  if (p !== undefined) {
    if (p.length !== 1 || p < '0' || p > '7') throw new TypeError(`PRIORITY must be 0 to 7, not ${JSON.stringify(p)}`);
    priority = p.charCodeAt(0) - 48;
  }
  if (json.length * 3 > MAX_RECORD_BYTES && Buffer.byteLength(json) > MAX_RECORD_BYTES - 64) throw new RangeError('journal entry too large');
  return { json, priority, unit: input._SYSTEMD_UNIT, transport };
}
