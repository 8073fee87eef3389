import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { MachineOfConstraint } from './machine-of-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-machine-of',
  version: FLOTILLA_VERSION,
  description: 'Places a unit on the machine that runs every unit its [X-Fleet] MachineOf= names.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new MachineOfConstraint() });
  },
});
