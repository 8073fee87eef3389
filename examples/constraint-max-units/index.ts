// A third-party plugin, loaded by path from a node config:
//
//   plugins:
//     constraint-max-units:
//       module: ./examples/constraint-max-units/index.ts
//       max: 2
import { z } from 'zod';
import { CORE, definePlugin } from '../../core/index.js';
import { MaxUnitsConstraint } from './max-units-constraint.js';

const settings = z.strictObject({
  /** The most units a machine runs, units that run everywhere included. */
  max: z.number().int().min(1),
});

export default definePlugin({
  id: 'constraint-max-units',
  version: '1.0.0',
  description: 'Places no more than `max` units on one machine.',
  config: settings,
  register({ container, config }) {
    container.register(CORE.SchedulingConstraint, { useValue: new MaxUnitsConstraint(config.max) });
  },
});
