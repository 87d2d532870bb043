/**
 * src/paths/device-targets.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): the kit a
 * device's kind names, initialised on first use (target-kits.ts), so `path` initialises the kits of its topology's
 * devices only. The same Target objects, and for an unknown kind the same TW_UNKNOWN_TARGET, as registry.ts's
 * `findTarget` (issue 22).
 */
export { kitOf as deviceTarget } from './target-kits.js';
