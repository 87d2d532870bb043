import { readFileSync } from 'node:fs';

// The build writes the version in (scripts/tsup.config.ts `define`): requiring package.json resolves the package's
// scope and loads a JSON module, ~1.2 ms of every cold CLI run (issue 22). Under tsx and the tests there is no build,
// so package.json is read, one directory up both from src/ and from dist/ (read as a file: node:module, for a require,
// would load Node's ES module loader in every CLI run, where node:fs is loaded already).
declare const TAGWALL_VERSION: string | undefined;

/** tagwall's version, from package.json. */
export const VERSION: string =
  typeof TAGWALL_VERSION === 'string' ? TAGWALL_VERSION : (JSON.parse(readFileSync(typeof __dirname === 'string' ? `${__dirname}/../package.json` : new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
