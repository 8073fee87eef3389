/**
 * The API described in Google's discovery format (`discovery#restDescription`), as fleet serves
 * at /fleet/v1/discovery. Clients generated from it replace the `$ENDPOINT` placeholder.
 */

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const ref = (schema: string) => ({ $ref: schema });
const listOf = (schema: string, description: string) => ({ type: 'array', description, items: ref(schema) });

const DESIRED_STATES = { enum: ['inactive', 'loaded', 'launched'] };

const SCHEMAS = {
  Machine: {
    id: 'Machine',
    type: 'object',
    properties: {
      id: str('The machine ID: 32 hexadecimal digits.'),
      metadata: {
        type: 'object',
        description: 'Metadata from the node configuration with the values set through this API applied; a key with several values shows them joined by commas.',
        additionalProperties: { type: 'string' },
      },
      primaryIP: str('The address at which other machines and operators reach this machine.'),
    },
  },
  MachinePage: {
    id: 'MachinePage',
    type: 'object',
    properties: { machines: listOf('Machine', 'The machines on this page, sorted by ID.'), nextPageToken: str('Pass as nextPageToken to read the following page.') },
  },
  MachineMetadataOperation: {
    id: 'MachineMetadataOperation',
    type: 'object',
    properties: {
      op: str('What to do with the key.', { enum: ['add', 'remove', 'replace'] }),
      path: str('Which key of which machine: /<machineID>/metadata/<key>.'),
      value: { type: 'object', description: 'The new value (for add and replace).', properties: { value: str('The value.') } },
    },
  },
  MachineMetadataPatch: { id: 'MachineMetadataPatch', type: 'array', description: 'Changes applied in order once all of them are found valid.', items: ref('MachineMetadataOperation') },
  UnitOption: {
    id: 'UnitOption',
    type: 'object',
    properties: { name: str('The directive, e.g. ExecStart.'), section: str('The section it belongs to, e.g. Service or X-Fleet.'), value: str('Its value.') },
  },
  Unit: {
    id: 'Unit',
    type: 'object',
    properties: {
      currentState: str('Where the unit is now; absent for a unit placed on every machine.', { ...DESIRED_STATES, readOnly: true }),
      desiredState: str('Where the unit should be: only submitted, written to its machine, or running.', DESIRED_STATES),
      machineID: str('The machine the unit is placed on; absent while it is not placed.', { readOnly: true }),
      name: str('The unit name, e.g. web@1.service.'),
      options: listOf('UnitOption', 'The unit file, one entry per directive, in file order.'),
    },
  },
  UnitPage: {
    id: 'UnitPage',
    type: 'object',
    properties: { nextPageToken: str('Pass as nextPageToken to read the following page.'), units: listOf('Unit', 'The units on this page, sorted by name.') },
  },
  UnitState: {
    id: 'UnitState',
    type: 'object',
    properties: {
      hash: str('SHA-1 of the unit file the machine runs.'),
      machineID: str('The machine that reported the state.'),
      name: str('The unit name.'),
      systemdActiveState: str('The active state on that machine, e.g. active or failed.'),
      systemdLoadState: str('The load state on that machine, e.g. loaded.'),
      systemdSubState: str('The sub-state on that machine, e.g. running.'),
    },
  },
  UnitStatePage: {
    id: 'UnitStatePage',
    type: 'object',
    properties: { nextPageToken: str('Pass as nextPageToken to read the following page.'), states: listOf('UnitState', 'The states on this page, sorted by unit name, then machine ID.') },
  },
};

const PAGE_TOKEN = { nextPageToken: { type: 'string', location: 'query', description: 'A token from the previous page; absent for the first page.' } };
const UNIT_NAME = { unitName: { type: 'string', location: 'path', required: true, description: 'The unit name.' } };

const RESOURCES = {
  Machines: {
    methods: {
      List: {
        id: 'fleet.Machine.List',
        path: 'machines',
        httpMethod: 'GET',
        description: 'Lists the machines in the cluster, one page at a time.',
        parameters: PAGE_TOKEN,
        response: ref('MachinePage'),
      },
      Patch: {
        id: 'fleet.Machine.Patch',
        path: 'machines',
        httpMethod: 'PATCH',
        description: "Adds, replaces or removes keys of machines' metadata.",
        request: ref('MachineMetadataPatch'),
      },
    },
  },
  Units: {
    methods: {
      List: { id: 'fleet.Unit.List', path: 'units', httpMethod: 'GET', description: 'Lists the submitted units, one page at a time.', parameters: PAGE_TOKEN, response: ref('UnitPage') },
      Get: {
        id: 'fleet.Unit.Get',
        path: 'units/{unitName}',
        httpMethod: 'GET',
        description: 'Reads one unit.',
        parameters: UNIT_NAME,
        parameterOrder: ['unitName'],
        response: ref('Unit'),
      },
      Set: {
        id: 'fleet.Unit.Set',
        path: 'units/{unitName}',
        httpMethod: 'PUT',
        description: 'Submits a unit (options required), replaces one whose options differ, or changes the desired state of one that exists.',
        parameters: UNIT_NAME,
        parameterOrder: ['unitName'],
        request: ref('Unit'),
      },
      Delete: {
        id: 'fleet.Unit.Delete',
        path: 'units/{unitName}',
        httpMethod: 'DELETE',
        description: 'Removes a unit from the cluster; the machine running it stops it.',
        parameters: UNIT_NAME,
        parameterOrder: ['unitName'],
      },
    },
  },
  UnitState: {
    methods: {
      List: {
        id: 'fleet.UnitState.List',
        path: 'state',
        httpMethod: 'GET',
        description: 'Lists the states machines report for their units, one page at a time.',
        parameters: {
          ...PAGE_TOKEN,
          machineID: { type: 'string', location: 'query', description: 'Only states reported by this machine.' },
          unitName: { type: 'string', location: 'query', description: 'Only states of this unit.' },
        },
        response: ref('UnitStatePage'),
      },
      Get: {
        id: 'fleet.UnitState.Get',
        path: 'state/{unitName}',
        httpMethod: 'GET',
        description: 'Reads the state of one unit, as one machine reports it.',
        parameters: UNIT_NAME,
        parameterOrder: ['unitName'],
        response: ref('UnitState'),
      },
    },
  },
};

export const DISCOVERY_DOCUMENT = {
  kind: 'discovery#restDescription',
  discoveryVersion: 'v1',
  id: 'fleet:v1',
  name: 'fleet',
  version: 'v1',
  title: 'Flotilla fleet API',
  description: 'Submit units to the cluster, set where they should be, and read where they are and which machines run them.',
  protocol: 'rest',
  rootUrl: '$ENDPOINT/',
  servicePath: 'fleet/v1/',
  parameters: { alt: { type: 'string', location: 'query', description: 'The response format; only json.', default: 'json', enum: ['json'] } },
  schemas: SCHEMAS,
  resources: RESOURCES,
};

/** The document as served: its text is built once. */
export const DISCOVERY_JSON = JSON.stringify(DISCOVERY_DOCUMENT, null, 2);
