import fc from 'fast-check';

// Property tests run with a fixed seed in CI so a red build can be replayed; locally every run explores anew.
// fast-check prints the seed and the counterexample path of any failure either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20251028 : undefined;
fc.configureGlobal({
  ...(seed === undefined ? {} : { seed }),
  numRuns: process.env.FC_NUM_RUNS ? Number(process.env.FC_NUM_RUNS) : 200,
});

// The embedded Public snapshot is over a year old, so every command using it warns on stderr (src/cli/snapshot-age.ts).
// Tests compare stderr and --json output byte for byte; the staleness tests set this themselves.
process.env.TAGWALL_STALE_DAYS = 'off';
