/**
 * src/internal/packages.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): the same
 * loaders, with `require`s esbuild resolves at build time, so the packages are in dist/cli-main.cjs, each initialised
 * on its first use like every module of the bundle. A cold `render --requirements workload.yaml` no longer resolves
 * and compiles yaml's ~70 files (issue 22; docs/performance.md).
 */
import { lazy } from '../internal/lazy.js';
import type { MicromatchPackage, YamlPackage } from '../internal/packages.js';

export type { MicromatchPackage, YamlPackage };

export const yamlPackage: () => YamlPackage = lazy(() => require('yaml') as YamlPackage);
export const micromatchPackage: () => MicromatchPackage = lazy(() => require('micromatch') as MicromatchPackage);
