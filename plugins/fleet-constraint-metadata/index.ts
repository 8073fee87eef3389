import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { MetadataConstraint } from './metadata-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-metadata',
  version: FLOTILLA_VERSION,
  description:
    'Places a unit only on machines whose metadata meets its [X-Fleet] MachineMetadata= items: key=value as in fleet, plus !=, <, <=, >, >= and =~.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new MetadataConstraint() });
  },
});
