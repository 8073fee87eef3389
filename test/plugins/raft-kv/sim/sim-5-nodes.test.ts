import { defineSeedSuite } from '../../../support/sim/seed-suite.js';

defineSeedSuite(5, 1400);
