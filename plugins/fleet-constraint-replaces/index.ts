import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { ReplacesConstraint } from './replaces-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-replaces',
  version: FLOTILLA_VERSION,
  description: 'Moves a unit off the machine where a unit whose [X-Fleet] Replaces= globs match it is placed.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new ReplacesConstraint() });
  },
});
