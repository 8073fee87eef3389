import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { ConflictsConstraint } from './conflicts-constraint.js';

export default definePlugin({
  id: 'fleet-constraint-conflicts',
  version: FLOTILLA_VERSION,
  description:
    'Keeps a unit off machines that run a unit its [X-Fleet] Conflicts= globs match, or a unit whose own Conflicts= globs match it.',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new ConflictsConstraint() });
  },
});
