import { defineConfig } from 'tsup';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';

// Run from the package root (npm run build); paths are relative to it.
// The library ships ESM + CJS + types; the CLI is ESM only (it is run, never imported).
// `tagwall/testing` is a second entry of the same build with shared chunks (splitting), so a PacketSet made by one
// entry is the same class the other uses, and TagwallError stays one class for `instanceof`.
// Embedded snapshots are data files next to the bundles (dist/snapshots/), read lazily at run time.
// The CLI's chunks are named by content hash: remove the previous build's before building, so dist/ holds only the
// chunks dist/cli.js can load (the library build's own clean runs concurrently with the CLI build, not before it).
if (existsSync('dist')) for (const file of readdirSync('dist')) if (/^cli(-.+)?\.js$/.test(file)) rmSync(`dist/${file}`);

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    external: ['fast-check'],
    dts: true,
    clean: true,
    shims: true,
    sourcemap: false,
    target: 'node20',
    onSuccess: async () => {
      cpSync('src/servicetags/snapshots', 'dist/snapshots', { recursive: true });
    },
  },
  {
    // The CLI is split (issue 22): dist/cli.js declares the commands; each command's implementation is a chunk
    // (dist/cli-*.js), imported when that command runs (src/cli/lazy-commands.ts), so `--version` compiles little.
    // The chunks stay beside the bundles: `../package.json` and `./snapshots/` are found from import.meta.url.
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    splitting: true,
    outDir: 'dist',
    esbuildOptions(options) {
      options.chunkNames = 'cli-[name]-[hash]';
    },
    shims: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
