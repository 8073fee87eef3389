import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { MachineIdConstraint } from './machine-id-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-machine-id',
  version: FLOTILLA_VERSION,
  description: 'Places a unit only on the machine its [X-Fleet] MachineID= names, by full or 8-digit short id.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new MachineIdConstraint() });
  },
});
