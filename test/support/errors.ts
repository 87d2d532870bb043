import { TagwallError } from '../../src/errors.js';

/** The TagwallError `run` throws; fails the test when it throws nothing, and rethrows anything else (a bug). */
export function thrownError(run: () => unknown): TagwallError {
  try {
    run();
  } catch (caught) {
    if (caught instanceof TagwallError) return caught;
    throw caught;
  }
  throw new Error('expected a TagwallError, but nothing was thrown');
}
