import * as assert from 'uvu/assert';
import { FleetApiError } from '../../plugins/fleet-scheduler/api/fleet-errors.js';

/** The message of the 400 that `run` throws, as the fleet API answers a bad request. */
export function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, FleetApiError);
    assert.is((error as FleetApiError).status, 400);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
}
