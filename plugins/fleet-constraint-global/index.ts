import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { GlobalConstraint } from './global-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-global',
  version: FLOTILLA_VERSION,
  description: 'Runs a unit with [X-Fleet] Global=true on every machine that passes the other rules.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new GlobalConstraint() });
  },
});
