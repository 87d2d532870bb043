/**
 * src/internal/require-here.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): the
 * bundle's own `require` (dist/cli-main.cjs is run with the executable's, beside it in dist/), where the library makes
 * one with node:module, which a CLI run then never loads (issue 22).
 */

/** `require(id)` as a CommonJS module in dist/ calls it. */
export function requireHere(id: string): unknown {
  return require(id);
}
