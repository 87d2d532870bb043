/**
 * Runs one parser's fuzz cases in a worker thread, so the test (test/parsers-fuzz.test.ts) can stop a case that
 * hangs or runs out of memory without freezing or killing the run. Before each case it posts `start`; an escaped
 * error is posted as `escaped`, every outcome as `end`. The cases are fast-check's sample for the seed,
 * so a restarted worker (after a hang) regenerates the same list and carries on from the next case.
 */
import fc from 'fast-check';
import { parentPort } from 'node:worker_threads';
import { isTagwallError } from '../../src/errors.js';
import { fuzzCases } from './mutations.js';
import { FUZZ_PARSERS } from './parsers.js';
import type { WorkerJob, WorkerMessage } from './protocol.js';

const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', (job: WorkerJob) => {
  const parser = FUZZ_PARSERS.find((candidate) => candidate.id === job.parser)!;
  const seeds = parser.seeds();
  const cases = fc.sample(fuzzCases(seeds.map((seed) => seed.text)), { seed: job.seed, numRuns: job.runs });
  for (let index = job.from; index < cases.length; index++) {
    const { seed, text, steps } = cases[index]!;
    post({ type: 'start', index, seed: seeds[seed]!.name, steps, size: text.length });
    const started = performance.now();
    let outcome: string;
    try {
      parser.parse(text, seeds[seed]!);
      outcome = 'parsed';
    } catch (error) {
      if (isTagwallError(error)) outcome = error.code;
      else {
        outcome = 'escaped';
        const detail = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
        post({ type: 'escaped', index, seed: seeds[seed]!.name, steps, input: text.length > 2000 ? `${text.slice(0, 2000)}…` : text, error: detail });
      }
    }
    post({ type: 'end', index, outcome, ms: Math.round(performance.now() - started) });
  }
  post({ type: 'done' });
});
