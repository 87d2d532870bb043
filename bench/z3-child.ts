/**
 * The analysis bench's Z3 baseline, one equivalence per process (bench/analysis.bench.ts runs it with a timeout):
 * a crash of Z3's WebAssembly build ends this process, not the bench. Reads two rules files (bench/flat-rules.ts),
 * asks Z3 for a packet on which their verdicts differ, prints one JSON line.
 *
 * Usage: node --expose-gc --import tsx bench/z3-child.ts A.rules B.rules [--no-drain]
 *
 * Why Z3 crashed inside the bench ("memory access out of bounds", docs/performance.md): z3-solver releases each
 * JS wrapper's Z3 object from a FinalizationRegistry callback, on the main thread, whenever the event loop runs
 * one, while `await solver.check()` runs the solver on a worker thread over the same context. Its WebAssembly build
 * is made single-threaded (Z3_SINGLE_THREADED=ON), where `Z3_enable_concurrent_dec_ref` is compiled out: each such
 * dec_ref changes reference counts, and can free nodes, under the solver's feet. Building the formula is synchronous,
 * so every wrapper it left behind is finalized at the first await, i.e. during check(). Hence: collect the garbage
 * and let those callbacks run BEFORE check() starts, then check() with nothing left to finalize; the child counts
 * the dec_refs that still ran during check() (decRefsDuringCheck) so the bench can show the race did not happen.
 * `--no-drain` skips that step, to show the old behaviour.
 */
import { readFileSync } from 'node:fs';
import type { BitVec } from 'z3-solver';
import { parseRulesFile, type FlatRuleSet, type Ranges } from './flat-rules.js';

type Z3Api = Awaited<ReturnType<typeof import('z3-solver').init>>;
type Bv = BitVec<number, 'bench'>;

export interface Z3ChildResult {
  readonly differ: boolean;
  /** [protocol, src, dst, srcPort, dstPort] of a packet the two sets decide differently. */
  readonly witness?: readonly [number, number, number, number, number];
  readonly buildMs: number;
  readonly solveMs: number;
  /** Collecting the formula's garbage wrappers and running their finalizers before check(), not in build or solve. */
  readonly drainMs: number;
  /** Z3 objects released by finalizers before check() started (drained on purpose). */
  readonly decRefsBeforeCheck: number;
  /** Z3 objects released on the main thread while check() ran on the worker: 0 unless --no-drain. */
  readonly decRefsDuringCheck: number;
}

/** Counts calls of z3-solver's release functions (all named *dec_ref) while `inFlight` says a check runs. */
function countDecRefs(api: Z3Api): { inFlight: boolean; calls: number } {
  const counter = { inFlight: false, calls: 0 };
  const lowLevel = api.Z3 as unknown as Record<string, unknown>;
  for (const name of Object.keys(lowLevel).filter((key) => key.endsWith('dec_ref'))) {
    const release = lowLevel[name] as (...args: unknown[]) => unknown;
    lowLevel[name] = (...args: unknown[]) => {
      if (counter.inFlight) counter.calls++;
      return release(...args);
    };
  }
  return counter;
}

/** A full collection, then event loop turns until the finalizers it queued have run (none ran in a whole turn). */
async function drainFinalizers(counter: { calls: number }): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  for (let turns = 0; turns < 100; turns++) {
    const before = counter.calls;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (counter.calls === before && turns >= 2) return;
  }
}

async function equivalence(api: Z3Api, a: FlatRuleSet, b: FlatRuleSet, drain: boolean): Promise<Z3ChildResult> {
  const releases = countDecRefs(api);
  const Z3 = api.Context('bench');
  const t0 = performance.now();
  const vars = {
    protocol: Z3.BitVec.const('protocol', 8) as Bv,
    src: Z3.BitVec.const('src', 32) as Bv,
    dst: Z3.BitVec.const('dst', 32) as Bv,
    srcPort: Z3.BitVec.const('srcPort', 16) as Bv,
    dstPort: Z3.BitVec.const('dstPort', 16) as Bv,
  };
  const within = (v: Bv, set: Ranges) => {
    const val = (n: number) => Z3.BitVec.val(n, v.size()) as Bv;
    const terms = set.map(([lo, hi]) => (lo === hi ? v.eq(val(lo)) : Z3.And(v.uge(val(lo)), v.ule(val(hi)))));
    return terms.length === 1 ? terms[0]! : Z3.Or(...terms);
  };
  // FirewallChecker's encoding: the verdict is an if-then-else chain over the rules, last rule innermost.
  const verdict = (set: FlatRuleSet) => {
    let acc = Z3.Bool.val(set.defaultAllow);
    for (let r = set.rules.length - 1; r >= 0; r--) {
      const rule = set.rules[r]!;
      const match = Z3.Or(
        ...rule.boxes.map((box) =>
          Z3.And(within(vars.protocol, box.protocols), within(vars.src, box.src), within(vars.dst, box.dst), within(vars.srcPort, box.srcPorts), within(vars.dstPort, box.dstPorts)),
        ),
      );
      acc = Z3.If(match, Z3.Bool.val(rule.allow), acc);
    }
    return acc;
  };
  const solver = new Z3.Solver();
  solver.add(Z3.Xor(verdict(a), verdict(b)));
  const t1 = performance.now();
  releases.inFlight = true;
  if (drain) await drainFinalizers(releases);
  const decRefsBeforeCheck = releases.calls;
  releases.calls = 0;
  // The drain is not timed: before, those releases ran on the main thread beside the solver's thread.
  const t2 = performance.now();
  const result = await solver.check();
  releases.inFlight = false;
  const t3 = performance.now();
  const decRefsDuringCheck = releases.calls;
  if (result === 'unknown') throw new Error('Z3 answered unknown');
  if (result !== 'sat') return { differ: false, buildMs: t1 - t0, drainMs: t2 - t1, solveMs: t3 - t2, decRefsBeforeCheck, decRefsDuringCheck };
  const model = solver.model();
  const value = (v: Bv) => {
    const evaluated = model.eval(v, true);
    if (!Z3.isBitVecVal(evaluated)) throw new Error(`Z3 gave no value for ${v.toString()}`);
    return Number(evaluated.value());
  };
  const witness = [value(vars.protocol), value(vars.src), value(vars.dst), value(vars.srcPort), value(vars.dstPort)] as const;
  return { differ: true, witness, buildMs: t1 - t0, drainMs: t2 - t1, solveMs: t3 - t2, decRefsBeforeCheck, decRefsDuringCheck };
}

const [aFile, bFile, ...flags] = process.argv.slice(2);
if (!aFile || !bFile) throw new Error('usage: z3-child.ts A.rules B.rules [--no-drain]');
const { init } = await import('z3-solver');
const api = await init();
const answer = await equivalence(api, parseRulesFile(readFileSync(aFile, 'utf8')), parseRulesFile(readFileSync(bFile, 'utf8')), !flags.includes('--no-drain'));
console.log(JSON.stringify(answer));
// z3-solver keeps its worker threads alive; the answer is out, so end here.
process.exit(0);
