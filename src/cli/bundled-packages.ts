/**
 * src/internal/packages.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): the same
 * loaders, taking the packages from the CLI's second bundle, dist/cli-packages.cjs (packages-chunk.ts), which esbuild
 * built from node_modules: a cold `render --requirements workload.yaml` does not resolve and compile yaml's ~70 files
 * (issue 22), and commands that use neither package do not read their text (round 23). The chunk is loaded once, on
 * the first use of either package, by the loader the bin lends (bin.ts: with the chunk's own code cache); a bundle run
 * without the bin (a test requiring dist/cli-main.cjs) requires the chunk from beside it.
 */
import { lazy } from '../internal/lazy.js';
import type { MicromatchPackage, YamlPackage } from '../internal/packages.js';
import { PACKAGES_CHUNK_FILE, PACKAGES_CHUNK_LOADER, type PackagesChunk } from './packages-chunk-loader.js';

export type { MicromatchPackage, YamlPackage };

const chunk = lazy((): PackagesChunk => {
  const lent = (globalThis as Record<symbol, unknown>)[PACKAGES_CHUNK_LOADER];
  // `__dirname + …`, not a literal: esbuild would bundle a literal path back into this bundle.
  return (typeof lent === 'function' ? lent() : require(`${__dirname}/${PACKAGES_CHUNK_FILE}`)) as PackagesChunk;
});

export const yamlPackage: () => YamlPackage = lazy(() => chunk().yaml());
export const micromatchPackage: () => MicromatchPackage = lazy(() => chunk().micromatch());
