import { createRequire } from 'node:module';

// package.json is one directory up both from src/ (tests, tsx) and from dist/ (the built bundles).
const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** tagwall's version, from package.json. */
export const VERSION: string = manifest.version;
