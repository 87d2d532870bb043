/** Messages between the fuzz test and its worker (worker-main.ts). */
export interface WorkerJob {
  readonly parser: string;
  readonly seed: number;
  readonly runs: number;
  /** First case to run: after a hang or an out-of-memory abort, a new worker carries on after the case. */
  readonly from: number;
}

export type WorkerMessage =
  | { readonly type: 'start'; readonly index: number; readonly seed: string; readonly steps: readonly string[]; readonly size: number }
  | { readonly type: 'escaped'; readonly index: number; readonly seed: string; readonly steps: readonly string[]; readonly input: string; readonly error: string }
  /** `outcome`: `parsed`, a TagwallError code, or `escaped`. */
  | { readonly type: 'end'; readonly index: number; readonly outcome: string; readonly ms: number }
  | { readonly type: 'done' };
