import { defineSeedSuite } from '../../../support/sim/seed-suite.js';

defineSeedSuite(3, 1600);
