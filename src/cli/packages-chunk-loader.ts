/**
 * What the bin (bin.ts) and the main CLI bundle (bundled-packages.ts) agree on to load the packages chunk,
 * dist/cli-packages.cjs (packages-chunk.ts): its file name beside them, and the global symbol under which the bin lends
 * the bundle its loader (code-cache.ts loadChunk: the chunk's own code cache, and the main bundle's spare buffer).
 * A global, not an export: the bundle is run by the bin through vm.Script and cannot import from it.
 */
export const PACKAGES_CHUNK_FILE = 'cli-packages.cjs';
export const PACKAGES_CHUNK_LOADER: unique symbol = Symbol.for('tagwall.cli.loadPackagesChunk');

/** The chunk's exports: each package initialised on its first call. */
export interface PackagesChunk {
  yaml(): typeof import('yaml');
  micromatch(): typeof import('micromatch');
}
