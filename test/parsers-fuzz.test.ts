/**
 * Issue 19 item 3: every parser of user input, fed mutated real inputs, answers with a parse or a TagwallError,
 * never another exception, a hang or a runaway heap. Cases run in a worker thread (test/fuzz/run.ts) so a hang
 * fails its case instead of freezing the run. Parsers are listed in test/fuzz/parsers.ts: add new ones there.
 *
 * CI=true fixes the seed (FC_SEED overrides it) and runs 1,000 cases per parser; FUZZ_RUNS and FUZZ_CASE_MS change
 * the count and the per-case deadline, FUZZ_MAX_ABORTS how many hangs or aborts end a parser's run early (5), and
 * FUZZ_VERBOSE=1 prints each parser's outcome counts and slowest case.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailures, fuzzParser, stopFuzzWorker } from './fuzz/run.js';
import { FUZZ_PARSERS } from './fuzz/parsers.js';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20251028 : Math.floor(Math.random() * 2 ** 31);
const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1000;
// Generous for a shared 2-core CI machine: the slowest case of a healthy parser takes well under a second; the
// failures this suite exists for ran for minutes.
const caseTimeoutMs = process.env.FUZZ_CASE_MS ? Number(process.env.FUZZ_CASE_MS) : 5000;
const heapMb = process.env.FUZZ_HEAP_MB ? Number(process.env.FUZZ_HEAP_MB) : 512;
const maxAborts = process.env.FUZZ_MAX_ABORTS ? Number(process.env.FUZZ_MAX_ABORTS) : 5;

describe(`parsers under fuzzing (seed ${seed}, ${runs} cases each)`, () => {
  afterAll(stopFuzzWorker);

  it('lists each parser once (a parser whose seeds are missing fails its own test: the worker cannot start it)', () => {
    const ids = FUZZ_PARSERS.map((parser) => parser.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(16);
  });

  for (const parser of FUZZ_PARSERS) {
    it(`${parser.id}: only typed errors, each case within ${caseTimeoutMs} ms and a ${heapMb} MB heap`, async () => {
      const report = await fuzzParser(parser.id, { seed, runs, caseTimeoutMs, heapMb, maxAborts });
      if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify({ ...report, failures: report.failures.length }));
      expect(report.failures.length, describeFailures(report)).toBe(0);
      expect(report.cases).toBe(runs);
      // Not a test that cannot fail: the mutations must reach past the first error, some cases parse.
      expect(Object.keys(report.codes).length, JSON.stringify(report.codes)).toBeGreaterThan(1);
    }, 600_000);
  }
});
