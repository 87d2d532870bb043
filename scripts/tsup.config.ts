import { defineConfig } from 'tsup';
import { cpSync } from 'node:fs';

// Run from the package root (npm run build); paths are relative to it.
// The library ships ESM + CJS + types; the CLI is ESM only (it is run, never imported).
// `tagwall/testing` is a second entry of the same build with shared chunks (splitting), so a PacketSet made by one
// entry is the same class the other uses, and TagwallError stays one class for `instanceof`.
// Embedded snapshots are data files next to the bundles (dist/snapshots/), read lazily at run time.
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
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    shims: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
