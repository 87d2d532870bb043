/**
 * One equivalence of an N-rule pair in a fresh process, for its peak memory (bench/analysis.bench.ts runs it as
 * `node --expose-gc --import tsx bench/equivalence-child.ts N`).
 *
 * A process's peak RSS is a high-water mark: read once at the end it says nothing about one call when loading
 * tsx and decoding the snapshot peaked higher earlier (it did: 180 MB before any rule was built, so "peak minus
 * the RSS after loading" read 0 MB). So the peak is measured around the call only, two ways:
 * - RSS: the kernel's high-water mark (VmHWM) is reset just before the call (`/proc/self/clear_refs` = 5,
 *   Linux) and read just after it;
 * - JS heap + external memory (typed arrays' stores): V8's GC profiler records both before and after every
 *   collection during the call; their highest value, or the value at the end, is the heap's peak (the heap only
 *   shrinks in a collection). RSS can miss memory taken from pages the heap already held; this cannot.
 * Each is measured above the same baseline: the process with the snapshot loaded and collected (before the pair is
 * built), so the figures hold the pair's own memory plus everything the call adds at its worst moment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GCProfiler } from 'node:v8';
import { equivalent } from '../src/analysis/questions.js';
import { defaultSnapshot } from '../src/servicetags/index.js';
import { workload } from './analysis.bench.js';

export interface EquivalenceChildResult {
  readonly ms: number;
  readonly cpuMs: number;
  /** Live memory of the rule pair (heap + external, after a full collection), above the loaded snapshot. */
  readonly pairMb: number;
  /** Peak RSS during the call above the RSS with the snapshot loaded; undefined where VmHWM cannot be reset. */
  readonly peakRssMb?: number;
  /** Peak heap + external memory during the call above the same with the snapshot loaded. */
  readonly peakHeapMb: number;
  /** Collections during the call. */
  readonly gcs: number;
}

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

/** Bytes of the kernel's figure NAME in /proc/self/status, or undefined off Linux. */
function procStatus(name: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const kb = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function heapNow(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const rules = Number(process.argv[2] ?? 10000);
const snapshot = defaultSnapshot('Public');
snapshot.addresses('AzureCloud');
collect();
const baseHeap = heapNow();
const baseRss = process.memoryUsage().rss;
const pair = workload(snapshot, rules, 3);
collect();
const pairHeap = heapNow();

const canReset = resetPeakRss();
const profiler = new GCProfiler();
profiler.start();
const c0 = process.cpuUsage();
const t0 = performance.now();
equivalent(pair.a, pair.b);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const endHeap = heapNow();
const peakRss = canReset ? procStatus('VmHWM') : undefined;
const gcs = profiler.stop()?.statistics ?? [];
let peakHeap = endHeap;
for (const event of gcs) {
  for (const at of [event.beforeGC, event.afterGC]) peakHeap = Math.max(peakHeap, at.heapStatistics.usedHeapSize + at.heapStatistics.externalMemory);
}

const result: EquivalenceChildResult = {
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  pairMb: (pairHeap - baseHeap) / MB,
  ...(peakRss === undefined ? {} : { peakRssMb: (peakRss - baseRss) / MB }),
  peakHeapMb: (peakHeap - baseHeap) / MB,
  gcs: gcs.length,
};
console.log(JSON.stringify(result));
