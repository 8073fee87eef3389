import type { UnitOption } from '../../../core/index.js';
import { badRequest } from './fleet-errors.js';
import { isJsonObject, jsonType, stringField, field } from './json-fields.js';

/** What a PUT /units/{name} body carries; currentState and machineID are read-only and ignored. */
export interface UnitRequest {
  name: string;
  desiredState: string;
  options: UnitOption[];
}

/** Decodes a Unit entity as fleet does, answering 400 `unable to decode body: …` for what Go would refuse. */
export function decodeUnitRequest(raw: string | undefined): UnitRequest {
  if (raw === undefined || raw.trim() === '') throw badRequest('unable to decode body: EOF');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw badRequest(`unable to decode body: ${(error as Error).message}`);
  }
  try {
    if (body === null) return { name: '', desiredState: '', options: [] };
    if (!isJsonObject(body)) throw new TypeError(`cannot unmarshal ${jsonType(body)} into Unit`);
    for (const readOnly of ['currentState', 'machineID']) stringField(body, readOnly, 'Unit');
    return { name: stringField(body, 'name', 'Unit'), desiredState: stringField(body, 'desiredState', 'Unit'), options: optionsOf(field(body, 'options')) };
  } catch (error) {
    throw badRequest(`unable to decode body: ${(error as Error).message}`);
  }
}

function optionsOf(value: unknown): UnitOption[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TypeError(`cannot unmarshal ${jsonType(value)} into Unit.options of type []UnitOption`);
  return value.flatMap((item): UnitOption[] => {
    // A null element decodes to a nil pointer, which fleet's own mapping would trip over: it is dropped instead.
    if (item === null) return [];
    if (!isJsonObject(item)) throw new TypeError(`cannot unmarshal ${jsonType(item)} into Unit.options of type UnitOption`);
    return [{ section: stringField(item, 'section', 'UnitOption'), name: stringField(item, 'name', 'UnitOption'), value: stringField(item, 'value', 'UnitOption') }];
  });
}
