import * as assert from 'uvu/assert';

/** Asserts that `work` rejects, and returns the error for further checks. */
export async function rejects<E extends Error = Error>(work: () => Promise<unknown>, expected?: RegExp | (new (...args: any[]) => E)): Promise<E> {
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) assert.unreachable('expected a rejection');
  if (expected instanceof RegExp) assert.match((error as Error).message, expected);
  else if (expected) assert.instance(error, expected);
  return error as E;
}
