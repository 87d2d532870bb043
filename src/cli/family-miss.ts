/**
 * What a family bundle (families.ts) does when it meets a command module or target kit it does not hold: the stub the
 * build put in its place throws the sentinel (an error marked FAMILY_MISS) when initialised, and the bundle hands
 * the run to the full bundle through the fallback the bin lent (FAMILY_FALLBACK), then stops where it is without
 * settling, so it writes nothing, sets no exit code and the full bundle's run is the process's. The misses happen
 * before any output: a command's module is imported before its action runs (lazy-commands.ts), and `render` asks for
 * its kits first thing (render.ts runRender). Without a fallback (the library, the tests' run()), the error is thrown
 * as it is.
 */

/** The mark on the sentinel error (scripts/tsup.config.ts writes it into the stubs by this name). */
export const FAMILY_MISS: unique symbol = Symbol.for('tagwall.cli.familyMiss') as never;
/** Where the bin lends its fallback: runs the full bundle on the same arguments (bin.ts). */
export const FAMILY_FALLBACK: unique symbol = Symbol.for('tagwall.cli.familyFallback') as never;

/** Whether `error` is the sentinel a family bundle's stub threw. */
export function isFamilyMiss(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [FAMILY_MISS]?: unknown })[FAMILY_MISS] === true;
}

/**
 * For a sentinel, with a fallback lent: the full bundle runs the command, and this bundle's run waits forever (a
 * promise that never settles keeps no process alive). Anything else is rethrown.
 */
export function fullBundleOnMiss(error: unknown): Promise<never> {
  const fallback = (globalThis as { [FAMILY_FALLBACK]?: unknown })[FAMILY_FALLBACK];
  if (!isFamilyMiss(error) || typeof fallback !== 'function') throw error;
  (fallback as () => void)();
  return new Promise<never>(() => undefined);
}
