import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { LeastLoadedScore } from './least-loaded-score.js';

export default definePlugin({
  id: 'fleet-constraint-least-loaded',
  version: FLOTILLA_VERSION,
  description: 'Prefers the machine running the fewest units, as fleet does (ties go to the lower machine id).',
  register({ container }) {
    container.register(CORE.SchedulingConstraint, { useValue: new LeastLoadedScore() });
  },
});
