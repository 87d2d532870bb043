/**
 * The entry of dist/cli-packages.cjs (scripts/tsup.config.ts): the npm packages the CLI bundles but few commands use,
 * yaml (a requirements or topology file outside the plain subset, `catalog --format yaml`, managed-network and
 * tag-findings inputs) and micromatch (tag patterns). In the main bundle their ~230 KB of text was read from disk and
 * copied into a string by every command, fresh pages each (issue 22, docs/performance.md round 23); here they are read
 * by the commands that use them. Each package is initialised on its first call, as in the main bundle before.
 */
import type { PackagesChunk } from './packages-chunk-loader.js';

export const yaml: PackagesChunk['yaml'] = () => require('yaml') as ReturnType<PackagesChunk['yaml']>;
export const micromatch: PackagesChunk['micromatch'] = () => require('micromatch') as ReturnType<PackagesChunk['micromatch']>;
