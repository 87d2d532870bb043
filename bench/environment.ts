/**
 * The environment the benches' child processes run in. `NODE_EXTRA_CA_CERTS` makes Node 20 read and parse a CA
 * bundle at every start (Node 22 and later load it when TLS first needs it): on the development machine that is
 * ~35 ms of a `node -e 0` of ~58 ms, paid by every Node process and by no Python one. A fixed cost in both terms of
 * "command / node -e 0" pulls every ratio towards 1 (render nftables read 1.70x with it and 2.78x without, on the
 * same build), so goals measured with it would read as met where a user's machine, which seldom sets it, misses
 * them. The benches make no TLS connection, so run.ts removes it before any child starts; cli-startup times
 * `node -e 0` and one render with it as well, printed beside, with no goal.
 */

/** The bundle `NODE_EXTRA_CA_CERTS` named when the bench started, or undefined. */
export const EXTRA_CA_CERTS: string | undefined = process.env.NODE_EXTRA_CA_CERTS || undefined;

/** Removes `NODE_EXTRA_CA_CERTS` from this process's environment, which every child inherits; says so when it was set. */
export function runWithoutExtraCa(): void {
  if (EXTRA_CA_CERTS === undefined) return;
  delete process.env.NODE_EXTRA_CA_CERTS;
  console.log(`NODE_EXTRA_CA_CERTS (${EXTRA_CA_CERTS}) is left out of every process timed (bench/environment.ts); cli-startup also times node -e 0 and one render with it, without a goal`);
}
