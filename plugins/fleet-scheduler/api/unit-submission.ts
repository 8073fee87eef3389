import type { FleetCluster } from '../fleet-cluster.js';
import { isDesiredState, type DesiredState } from '../registry/records.js';
import { isTemplateName, unitNameProblem } from '../unit-file/unit-name.js';
import { unitHash } from '../unit-file/unit-options.js';
import { badRequest, conflict, notFound } from './fleet-errors.js';
import { optionsFileProblem } from './option-checks.js';
import type { UnitRequest } from './unit-request.js';

/** 201 for `created` and `replaced`, 204 for `updated` (only the desired state changed). */
export type SubmitOutcome = 'created' | 'replaced' | 'updated';

/**
 * fleet's PUT /units/{name}: create a unit, replace one whose options changed, or set the
 * desired state of one that exists. Refusals are FleetApiErrors with fleet's status and message.
 */
export async function submitUnit(cluster: FleetCluster, urlName: string, request: UnitRequest): Promise<SubmitOutcome> {
  const name = request.name === '' ? urlName : request.name;
  if (name !== urlName) throw badRequest(`name in URL ${goQuote(urlName)} differs from unit name in request body ${goQuote(name)}`);
  const nameProblem = unitNameProblem(name);
  if (nameProblem) throw badRequest(nameProblem);

  const existing = await cluster.registry.job(name);
  if (!existing) {
    if (request.options.length === 0) throw conflict('unit does not exist and options field empty');
    await putContent(cluster, name, request);
    return 'created';
  }
  if (request.options.length > 0 && unitHash(request.options) !== existing.hash) {
    await putContent(cluster, name, request);
    return 'replaced';
  }
  if (request.desiredState === '') throw conflict('must provide DesiredState to update existing unit');
  const desired = activatable(name, request.desiredState);
  if (!(await cluster.registry.setDesiredState(name, desired))) throw notFound('unit does not exist');
  return 'updated';
}

/** A new unit file, as fleet's create: a missing desired state means inactive. */
async function putContent(cluster: FleetCluster, name: string, request: UnitRequest): Promise<void> {
  const problem = optionsFileProblem(request.options) ?? cluster.problemWith(name, request.options);
  if (problem) throw badRequest(problem);
  const desired = activatable(name, request.desiredState === '' ? 'inactive' : request.desiredState);
  await cluster.registry.putUnit(name, request.options, desired);
}

function activatable(name: string, value: string): DesiredState {
  if (!isDesiredState(value)) throw badRequest(`invalid value ${goQuote(value)} for JobState`);
  if (value !== 'inactive' && isTemplateName(name)) throw badRequest(`cannot activate template ${goQuote(name)}`);
  return value;
}

/** Go's %q in fleet's messages; for names and states, JSON quoting writes the same. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}
