/**
 * The npm packages tagwall uses, each loaded on its first use (lazy.ts): most commands never parse YAML, match a
 * glob, and loading them costs a cold run (Node 20, this machine: `require('yaml')` 20-31 ms, `micromatch` 7-10;
 * yaml's CommonJS build is ~70 files). The Public Suffix List is tagwall's own data at run time, not tldts
 * (model/hostnames/public-suffix.ts).
 *
 * The CLI bundle replaces this module with src/cli/bundled-packages.ts (scripts/tsup.config.ts): there the
 * packages are part of the bundle, so they are neither resolved nor read from node_modules and their compiled code is
 * in the CLI's code cache (issue 22). Both modules export the same loaders.
 */
import { lazy, requireModule } from './lazy.js';

export type YamlPackage = typeof import('yaml');
export type MicromatchPackage = typeof import('micromatch');

export const yamlPackage: () => YamlPackage = lazy(() => requireModule<YamlPackage>('yaml'));
export const micromatchPackage: () => MicromatchPackage = lazy(() => requireModule<MicromatchPackage>('micromatch'));
