/**
 * Drives the fuzz worker for one parser: a watchdog stops a case that runs past its deadline, the worker's heap cap
 * turns runaway memory into an error of that worker only, and either way a fresh worker carries on with the next
 * case, so one run counts every hang and every abort.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerMessage } from './protocol.js';

export interface FuzzFailure {
  readonly kind: 'escaped' | 'hang' | 'out-of-memory' | 'crash';
  readonly index: number;
  readonly seed: string;
  readonly steps: readonly string[];
  readonly detail: string;
  /** The input, when the worker could send it (an escaped error); hangs and aborts are replayed from seed and index. */
  readonly input?: string;
}

export interface FuzzReport {
  readonly parser: string;
  readonly seed: number;
  readonly cases: number;
  /** Outcomes by kind: `parsed`, a TagwallError code, `escaped`. */
  readonly codes: Readonly<Record<string, number>>;
  readonly failures: readonly FuzzFailure[];
  readonly slowestMs: number;
  readonly wallMs: number;
  /** Stopped at `maxAborts` before running every case. */
  readonly stoppedEarly: boolean;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /** A case still running after this long is a hang. */
  readonly caseTimeoutMs: number;
  /** The worker's old-generation heap: a case that needs more is out of memory. */
  readonly heapMb: number;
  /** Stop after this many hangs, aborts and crashes (each costs a deadline and a worker start): enough to act on. */
  readonly maxAborts: number;
}

const WORKER = new URL('./worker.mjs', import.meta.url);

let shared: Worker | undefined;
let sharedHeap = 0;

function workerFor(heapMb: number): Worker {
  if (!shared || sharedHeap !== heapMb) {
    void shared?.terminate();
    // The stack of the CLI's main thread (~1 MB), not a worker's default 4 MB: an overflow the CLI would hit must show here.
    shared = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 1 } });
    sharedHeap = heapMb;
    shared.unref();
  }
  return shared;
}

function discardWorker(): void {
  void shared?.terminate();
  shared = undefined;
}

/** Stops the shared worker (after the last parser). */
export async function stopFuzzWorker(): Promise<void> {
  await shared?.terminate();
  shared = undefined;
}

export async function fuzzParser(parser: string, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const codes: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let slowestMs = 0;
  let from = 0;
  let aborts = 0;
  // The worker's start-up (compiling the sources) is not a case: the watchdog starts at the first `start`.
  while (from < options.runs && aborts < options.maxAborts) {
    const next = await new Promise<number | undefined>((resolve) => {
      const worker = workerFor(options.heapMb);
      let current: Extract<WorkerMessage, { type: 'start' }> | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (value: number | undefined): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(value);
      };
      const fail = (kind: FuzzFailure['kind'], detail: string): void => {
        discardWorker();
        aborts++;
        // Before the first case (the worker could not start, or the parser's seeds failed) there is nothing to resume.
        failures.push({ kind, index: current?.index ?? -1, seed: current?.seed ?? '(none)', steps: current?.steps ?? [], detail });
        if (current) codes[kind] = (codes[kind] ?? 0) + 1;
        finish(current ? current.index + 1 : options.runs);
      };
      const onMessage = (message: WorkerMessage): void => {
        if (message.type === 'start') {
          current = message;
          clearTimeout(timer);
          timer = setTimeout(() => fail('hang', `no answer after ${options.caseTimeoutMs} ms (input of ${message.size} characters)`), options.caseTimeoutMs);
        } else if (message.type === 'escaped') {
          failures.push({ kind: 'escaped', index: message.index, seed: message.seed, steps: message.steps, detail: message.error, input: message.input });
        } else if (message.type === 'end') {
          clearTimeout(timer);
          codes[message.outcome] = (codes[message.outcome] ?? 0) + 1;
          slowestMs = Math.max(slowestMs, message.ms);
        } else finish(undefined);
      };
      const onError = (error: Error & { code?: string }): void =>
        fail(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'crash', `${error.code ?? error.name}: ${error.message}`.slice(0, 300));
      const onExit = (code: number): void => fail('crash', `worker exited with ${code}`);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const job: WorkerJob = { parser, seed: options.seed, runs: options.runs, from };
      worker.postMessage(job);
    });
    if (next === undefined) break;
    from = next;
  }
  const cases = Object.values(codes).reduce((sum, count) => sum + count, 0);
  const stoppedEarly = from < options.runs && aborts >= options.maxAborts;
  return { parser, seed: options.seed, cases, codes, failures, slowestMs, wallMs: Math.round(performance.now() - started), stoppedEarly };
}

/** A failure report a person can act on: counts by kind, then the first few cases with how to replay them. */
export function describeFailures(report: FuzzReport): string {
  const byKind = new Map<string, number>();
  for (const failure of report.failures) byKind.set(failure.kind, (byKind.get(failure.kind) ?? 0) + 1);
  const lines = [
    `${report.parser}: ${report.failures.length} of ${report.cases} cases failed (${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')})${report.stoppedEarly ? ', stopped early' : ''}; replay with FC_SEED=${report.seed}`,
  ];
  for (const failure of [...report.failures].sort((a, b) => (a.input?.length ?? Infinity) - (b.input?.length ?? Infinity)).slice(0, 5)) {
    lines.push(`  case ${failure.index} (${failure.kind}) from ${failure.seed}, ${failure.steps.join(' then ')}: ${failure.detail}`);
    if (failure.input !== undefined) lines.push(`    input: ${JSON.stringify(failure.input.slice(0, 400))}`);
  }
  return lines.join('\n');
}
