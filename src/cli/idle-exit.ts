/**
 * The CLI's end (issue 22). Once a command has run, Node returns to its event loop and, finding it empty, first
 * drains V8's platform tasks (a scavenge V8 scheduled as a task, the optimising compiler's queued jobs, which it
 * waits for) and only then emits 'beforeExit', where the executable calls process.exit (bin.ts exitOnceIdle). A cold
 * `snapshot diff` ran a 5-16 ms scavenge there after its last line was written, and `impact` waited for compile jobs
 * whose code nothing would run: 5-7 and 35-65 ms of wall time (docs/performance.md, round 22).
 */

/** What exitIfIdle asks of the process. */
export interface IdleHost {
  /** The kinds of handles and requests that keep the event loop alive (Node >= 17.3); absent: never ask to exit. */
  getActiveResourcesInfo?: () => string[];
  exit(): void;
}

/**
 * Exits now when nothing keeps the event loop alive: a write still in flight (a WriteWrap on a pipe), a timer, a
 * socket, a file operation, anything, leaves the process to end as it would, at 'beforeExit'. When nothing is, the
 * loop would end at once, and the exit only skips V8's drain: 'exit' is still emitted (the code cache is written
 * there, code-cache.ts), with the exit code the command set.
 */
export function exitIfIdle(host: IdleHost = process as IdleHost): boolean {
  const active = host.getActiveResourcesInfo?.();
  if (active === undefined || active.length > 0) return false;
  host.exit();
  return true;
}
