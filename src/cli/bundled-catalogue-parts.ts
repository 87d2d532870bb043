/**
 * src/cli/catalogue-parts.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): each part of
 * the catalogue is required on the getter's first call, which esbuild turns into its lazy initialiser in
 * dist/cli-main.cjs (issue 22).
 */
import { lazy } from '../internal/lazy.js';
import type { CatalogueParts } from './catalogue-parts.js';

type Part<Name extends keyof CatalogueParts> = ReturnType<CatalogueParts[Name]>;

export const CATALOGUE: CatalogueParts = {
  scenarios: lazy(() => require('../catalogue/build.js') as Part<'scenarios'>),
  hostsFiles: lazy(() => require('../catalogue/hosts-file.js') as Part<'hostsFiles'>),
  requirementFiles: lazy(() => require('../catalogue/requirements-file.js') as Part<'requirementFiles'>),
};
