/**
 * `require` from the package's own location, for lazy.ts: made on first use. The CLI bundle has a twin of this module
 * (src/cli/bundled-require-here.ts, scripts/tsup.config.ts) that uses the bundle's own `require`, so a CLI run loads no
 * node:module (issue 22: it brings Node's ES module loader and source maps, ~4 M instructions of every cold run).
 */
import { createRequire } from 'node:module';

let made: NodeJS.Require | undefined;

/** `require(id)` as a CommonJS module in this package's directory would call it. */
export function requireHere(id: string): unknown {
  return (made ??= createRequire(import.meta.url))(id);
}
