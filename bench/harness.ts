/**
 * A small benchmark harness. The machine is shared and noisy, so: warm up, run the contenders of one case
 * interleaved (A, B, C, A, B, C, ...) so that a burst of load hits all of them alike, take medians, and report
 * every ratio from medians measured in the same run.
 */
export interface Contender {
  readonly name: string;
  /** One timed run; returns the result so the bench can check contenders agree. */
  readonly run: () => unknown;
}

export interface Timing {
  readonly name: string;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly runs: number;
}

/** The middle value of `values` (the upper one of an even count), unsorted input. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function percentile(sorted: readonly number[], q: number): number {
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at]!;
}

/** Times contenders interleaved: `warmup` untimed rounds, then at least `runs` rounds and `minMs` in total. */
export function measure(contenders: readonly Contender[], options: { runs?: number; warmup?: number; minMs?: number } = {}): Timing[] {
  const runs = options.runs ?? 15;
  const warmup = options.warmup ?? 3;
  const minMs = options.minMs ?? 0;
  for (let i = 0; i < warmup; i++) for (const contender of contenders) contender.run();
  const samples = contenders.map(() => [] as number[]);
  const started = performance.now();
  for (let round = 0; round < runs || performance.now() - started < minMs; round++) {
    contenders.forEach((contender, i) => {
      const t0 = performance.now();
      contender.run();
      samples[i]!.push(performance.now() - t0);
    });
  }
  return contenders.map((contender, i) => {
    const sorted = samples[i]!.sort((a, b) => a - b);
    return { name: contender.name, median: percentile(sorted, 0.5), p10: percentile(sorted, 0.1), p90: percentile(sorted, 0.9), runs: sorted.length };
  });
}

export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Prints a table of timings with each one's ratio against `baseline` (how many times faster tagwall is). */
export function printTimings(title: string, timings: readonly Timing[], subject: string): void {
  const mine = timings.find((t) => t.name === subject);
  console.log(`\n${title}`);
  console.log('  contender                          median ms    p10     p90   runs   vs tagwall');
  for (const t of timings) {
    // A contender faster than the subject reads "2.0x faster", not "0.5x slower".
    const ratio = !mine || t === mine ? '' : t.median >= mine.median ? `${(t.median / mine.median).toFixed(1)}x slower` : `${(mine.median / t.median).toFixed(1)}x faster`;
    console.log(
      `  ${t.name.padEnd(34)} ${formatMs(t.median).padStart(9)} ${formatMs(t.p10).padStart(7)} ${formatMs(t.p90).padStart(7)} ${String(t.runs).padStart(6)}   ${ratio}`,
    );
  }
}

/** A goal line: PASS/MISS (or NOT MEASURED), the measured figure and the target, for the closing summary. */
export interface Goal {
  readonly name: string;
  readonly measured: number;
  readonly target: number;
  /** 'min': measured must be at least target (a speed-up); 'max': at most (a cost ratio). */
  readonly kind: 'min' | 'max';
  readonly unit: string;
  /** Why the goal could not be measured (a baseline crashed or timed out); such a goal is never met. */
  readonly notMeasured?: string;
}

/** A goal whose measurement is missing: reported, and counted as not met. */
export function notMeasured(goal: Omit<Goal, 'measured' | 'notMeasured'>, reason: string): Goal {
  return { ...goal, measured: Number.NaN, notMeasured: reason };
}

export function goalMet(goal: Goal): boolean {
  if (goal.notMeasured !== undefined || Number.isNaN(goal.measured)) return false;
  return goal.kind === 'min' ? goal.measured >= goal.target : goal.measured <= goal.target;
}

export function printGoals(goals: readonly Goal[]): void {
  console.log('\nGoals');
  for (const goal of goals) {
    const relation = goal.kind === 'min' ? '>=' : '<=';
    if (goal.notMeasured !== undefined) {
      console.log(`  ----  ${goal.name}: NOT MEASURED, ${goal.notMeasured} (goal ${relation} ${goal.target}${goal.unit})`);
      continue;
    }
    console.log(`  ${goalMet(goal) ? 'PASS' : 'MISS'}  ${goal.name}: ${goal.measured.toFixed(2)}${goal.unit} (goal ${relation} ${goal.target}${goal.unit})`);
  }
}
