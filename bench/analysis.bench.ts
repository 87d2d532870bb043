/**
 * Exact equivalence of two long first-match rule sets whose matches are expanded service tags (issue 22), against
 * the two ways people check such a pair without tagwall, on the SAME rule sets, with every answer cross-checked:
 * - Z3 (the `z3-solver` package, FirewallChecker's encoding: each side's verdict is an if-then-else chain over the
 *   rules, each match a disjunction of intervals on 32-bit addresses and 16-bit ports; sat(A xor B) asks for a
 *   packet on which they differ). Its answer must agree with tagwall's, and a packet from its model must lie in
 *   tagwall's exact difference. Each Z3 run is a child process (bench/z3-child.ts, with a timeout): a crash or hang
 *   of Z3's WebAssembly is reported, and its goal printed as not measured, while the rest of the bench goes on.
 * - A native sampler (bench/native/sampler.c, gcc -O2: a bit-vector packet classifier, as fast classifiers are
 *   built, not a scan of the rules per packet) evaluating 1,000,000 packets drawn like the rules' traffic
 *   (every source subnet of the rules, every port they name including the edited 8080, destinations inside the
 *   rules' prefixes and outside). The number of packets it finds differing must equal the number of those packets
 *   inside tagwall's exact difference: the sampler can only confirm part of what the exact answer proves.
 * Also: cost against rule count (100 … 10k) with the growth exponent, and peak memory of a 10k pair in a fresh
 * process, measured around the call (bench/equivalence-child.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { equivalent, redundant, shadowed } from '../src/analysis/questions.js';
import type { Rule, RuleSet } from '../src/analysis/rule-set.js';
import { AddressSet } from '../src/model/address-set.js';
import type { IntervalSet } from '../src/model/intervals.js';
import { PacketSet, type Box } from '../src/model/packet-set.js';
import type { Packet } from '../src/model/packet.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import { defaultSnapshot, type Snapshot } from '../src/servicetags/index.js';
import { formatMs, measure, median, notMeasured, printTimings, type Goal } from './harness.js';
import { compileNative } from './native/build.js';
import type { EquivalenceChildResult } from './equivalence-child.js';
import { formatRulesFile, type FlatBox, type FlatRule, type Ranges } from './flat-rules.js';

/** A deterministic generator, so every run measures the same rule sets. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const SUBNET_CIDRS = ['10.1.0.0/24', '10.1.1.0/24', '10.2.0.0/16', '172.16.0.0/20'];
const SUBNETS = SUBNET_CIDRS.map((cidr) => AddressSet.parse(cidr));
const IPV4 = AddressSet.parse('0.0.0.0/0');
const PORTS = [443, 443, 443, 80, 22, 1433, 5671, 8443, 445];

interface Workload {
  readonly a: RuleSet;
  readonly b: RuleSet;
  readonly prefixes: number;
}

/**
 * Side A: random rules over the big tags: regional Storage, AzureCloud, Sql, EventHub and AzureMonitor tags and a
 * few global ones, from four subnets, mostly allow with some deny (IPv4 TCP only, so that Z3 and the C sampler
 * read the very same rules: host names and IPv6 have no place in their encodings). Side B: A with random edits (a port changed to 8080, a rule dropped, two rules swapped).
 */
export function workload(snapshot: Snapshot, rules: number, seed: number): Workload {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const tags = snapshot.names().filter((name) => /^(Storage|AzureCloud|Sql|EventHub|AzureMonitor)\.[A-Za-z0-9]+$/.test(name));
  const big = ['Storage', 'AzureCloud.westus', 'AzureCloud.eastus', 'AzureMonitor', 'AzureActiveDirectory'];
  let prefixes = 0;
  const made: Rule[] = [];
  while (made.length < rules) {
    const tag = next() < 0.05 ? pick(big) : pick(tags);
    const dst = snapshot.addresses(tag).intersection(IPV4);
    prefixes += dst.toCidrs().length;
    made.push({
      id: `r${made.length}`,
      action: next() < 0.1 ? 'deny' : 'allow',
      match: PacketSet.of({ directions: ['out'], protocols: ProtocolSet.of(6), src: pick(SUBNETS), dst, dstPorts: PortSet.of(pick(PORTS)) }),
    });
  }
  const a: RuleSet = { name: `a-${rules}`, mode: 'expanded', defaultAction: 'deny', rules: made.slice(0, rules) };
  const edited = [...a.rules];
  for (let edit = 0; edit < 5; edit++) {
    const at = Math.floor(next() * edited.length);
    const kind = edit % 3;
    const rule = edited[at]!;
    if (kind === 0) edited[at] = { ...rule, match: rule.match.intersection(PacketSet.of({ dstPorts: PortSet.of(443) })).union(PacketSet.of({ directions: ['out'], protocols: ProtocolSet.of(6), src: SUBNETS[0], dstPorts: PortSet.of(8080) })) };
    else if (kind === 1) edited.splice(at, 1);
    else if (at + 1 < edited.length) [edited[at], edited[at + 1]] = [edited[at + 1]!, rule];
  }
  return { a, b: { ...a, name: `b-${rules}`, rules: edited }, prefixes };
}

// ─── the rule sets as plain intervals (IPv4, outbound; what the workload contains) ───────────────────────────────

function ranges(set: IntervalSet): Ranges {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < set.bounds.length; i += 2) out.push([set.bounds[i]!, set.bounds[i + 1]!]);
  return out;
}

function flatBoxes(match: PacketSet): FlatBox[] {
  const boxes = (match as unknown as { boxes: readonly Box[] }).boxes;
  return boxes.map((box) => {
    if (box.family !== 'ipv4' || box.portClass !== 'ports') throw new Error('the bench workload is IPv4 TCP/UDP only');
    return { protocols: ranges(box.protocols.intervals), src: ranges(box.src), dst: ranges(box.dst), srcPorts: ranges(box.srcPorts), dstPorts: ranges(box.dstPorts) };
  });
}

function flatten(set: RuleSet): FlatRule[] {
  return set.rules.map((rule) => ({ allow: rule.action === 'allow', boxes: flatBoxes(rule.match) }));
}

/** The rule set in the rules-file format of the sampler and the Z3 child. */
export function rulesFile(set: RuleSet): string {
  return formatRulesFile({ defaultAllow: set.defaultAction === 'allow', rules: flatten(set) });
}

// ─── packets like the rules' traffic ─────────────────────────────────────────────────────────────────────────────

/** [protocol, src, dst, sport, dport] as numbers, drawn from what the rules name, and some from outside it. */
function packets(set: RuleSet, count: number, seed: number): Uint32Array {
  const next = random(seed);
  const destinations = flatten(set).flatMap((rule) => rule.boxes.flatMap((box) => box.dst));
  const sources = SUBNETS.map((subnet) => ranges(subnet.of('ipv4'))[0]!);
  const ports = [...new Set([...PORTS, 8080, 53, 123])];
  const inRange = ([lo, hi]: readonly [number, number]): number => (lo + Math.floor(next() * (hi - lo + 1))) >>> 0;
  const out = new Uint32Array(count * 5);
  for (let i = 0; i < count; i++) {
    out[5 * i] = next() < 0.9 ? 6 : 17;
    out[5 * i + 1] = next() < 0.95 ? inRange(sources[Math.floor(next() * sources.length)]!) : Math.floor(next() * 2 ** 32) >>> 0;
    out[5 * i + 2] = next() < 0.85 ? inRange(destinations[Math.floor(next() * destinations.length)]!) : Math.floor(next() * 2 ** 32) >>> 0;
    out[5 * i + 3] = next() < 0.9 ? 49152 : 1024 + Math.floor(next() * 64512);
    out[5 * i + 4] = ports[Math.floor(next() * ports.length)]!;
  }
  return out;
}

function ipv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function packetAt(sample: Uint32Array, i: number): Packet {
  return { direction: 'out', protocol: sample[5 * i]!, src: ipv4(sample[5 * i + 1]!), dst: ipv4(sample[5 * i + 2]!), srcPort: sample[5 * i + 3]!, dstPort: sample[5 * i + 4]! };
}

/** How many sampled packets tagwall's exact difference contains: what a perfect sampler must report. */
function expectedDiffering(difference: PacketSet, sample: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < sample.length / 5; i++) if (difference.has(packetAt(sample, i))) count++;
  return count;
}

interface SamplerRun {
  readonly differing: number;
  readonly loopMs: number;
  readonly processMs: number;
}

function runSampler(binary: string, dir: string): SamplerRun {
  const t0 = performance.now();
  const child = spawnSync(binary, [join(dir, 'a.rules'), join(dir, 'b.rules'), join(dir, 'packets.bin')], { encoding: 'utf8' });
  const processMs = performance.now() - t0;
  const match = /differing (\d+) packets \d+ ms ([\d.]+)/.exec(child.stdout);
  if (child.status !== 0 || !match) throw new Error(`sampler failed (${child.status}): ${child.stderr}`);
  return { differing: Number(match[1]), loopMs: Number(match[2]), processMs };
}

// ─── Z3, in child processes ───────────────────────────────────────────────────────────────────────────────────────

/** One Z3 run may take this long: at load 14 on 2 cores a 1k pair took 35-86 s; quiet, about 8 s. */
const Z3_TIMEOUT_MS = 300_000;
/** Timed Z3 runs wanted, and how many child processes may be started to get them (a crash costs one). */
const Z3_RUNS = 3;
const Z3_ATTEMPTS = 5;

interface Z3Run {
  readonly differ: boolean;
  readonly witness?: Packet;
  readonly buildMs: number;
  readonly solveMs: number;
  readonly decRefsDuringCheck: number;
}

type Z3Attempt = { readonly ok: true; readonly run: Z3Run } | { readonly ok: false; readonly failure: string };

/**
 * One Z3 equivalence of the two rules files in a fresh process (bench/z3-child.ts): a crash of Z3's WebAssembly or a
 * hang ends that process, not the bench, and comes back as a failure to report.
 */
export function z3Child(dir: string, timeoutMs = Z3_TIMEOUT_MS): Z3Attempt {
  const script = fileURLToPath(new URL('./z3-child.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, join(dir, 'a.rules'), join(dir, 'b.rules')], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 24,
  });
  const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
  const stderr = child.stderr ?? '';
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ok: false, failure: `no answer within ${timeoutMs / 1000} s (killed)` };
  if (child.status !== 0) {
    const why = /^\w*Error: .*$/m.exec(stderr)?.[0] ?? lastLine(stderr);
    return { ok: false, failure: `exit ${child.status ?? child.signal}: ${why}` };
  }
  try {
    const answer = JSON.parse(lastLine(child.stdout)) as Omit<Z3Run, 'witness'> & { witness?: readonly number[] };
    const [protocol, src, dst, srcPort, dstPort] = answer.witness ?? [];
    const witness: Packet | undefined =
      answer.witness === undefined ? undefined : { direction: 'out', protocol: protocol!, src: ipv4(src!), dst: ipv4(dst!), srcPort: srcPort!, dstPort: dstPort! };
    // A release during check() is the race that crashed Z3 (bench/z3-child.ts): such a run is not trusted or timed.
    if (answer.decRefsDuringCheck !== 0) return { ok: false, failure: `${answer.decRefsDuringCheck} Z3 objects released during check()` };
    return { ok: true, run: { ...answer, witness } };
  } catch {
    return { ok: false, failure: `unreadable answer: ${lastLine(child.stdout)}` };
  }
}

/** Up to Z3_RUNS successful runs from at most Z3_ATTEMPTS children; every failure is printed. */
function z3Runs(dir: string): { runs: Z3Run[]; failures: string[] } {
  const runs: Z3Run[] = [];
  const failures: string[] = [];
  for (let attempt = 0; attempt < Z3_ATTEMPTS && runs.length < Z3_RUNS; attempt++) {
    const result = z3Child(dir);
    if (result.ok) runs.push(result.run);
    else {
      failures.push(result.failure);
      console.log(`  Z3 run ${attempt + 1} failed: ${result.failure}`);
    }
  }
  return { runs, failures };
}

/** Peak memory of one equivalence in a fresh process (how it is measured: bench/equivalence-child.ts). */
function childRun(rules: number): EquivalenceChildResult | { failure: string } {
  const script = fileURLToPath(new URL('./equivalence-child.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(rules)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) return { failure: `exit ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').at(-1)}` };
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as EquivalenceChildResult;
}

/** Timed runs per rule count in the growth table (see there). */
const GROWTH_RUNS = 7;

export async function run(): Promise<Goal[]> {
  const snapshot = defaultSnapshot('Public');
  const goals: Goal[] = [];
  const sampler = compileNative('sampler');

  // ── the 1k pair: tagwall against Z3 and the sampler, every answer checked ──
  const { a, b, prefixes } = workload(snapshot, 1000, 1);
  const answer = equivalent(a, b);
  const difference = answer.equivalent ? PacketSet.EMPTY : answer.onlyLeft.union(answer.onlyRight);
  console.log(`1,000 rules per side, ${prefixes} prefixes in the random rules; equivalent: ${answer.equivalent}`);
  // Fresh rule set objects for every timed call: allowedPackets keeps its answer per rule set object, so a call
  // repeated on the same objects would time a lookup, not the comparison.
  const [exact] = measure([{ name: 'tagwall equivalent (exact)', run: () => equivalent({ ...a }, { ...b }).equivalent }], { runs: 7, warmup: 1 });
  const rows = [exact!];

  const dir = mkdtempSync(join(tmpdir(), 'tagwall-bench-'));
  try {
    writeFileSync(join(dir, 'a.rules'), rulesFile(a));
    writeFileSync(join(dir, 'b.rules'), rulesFile(b));
    const z3Goal = { name: 'equivalent vs Z3 on the 1k pair (build + solve)', target: 30, kind: 'min', unit: 'x' } as const;
    const { runs, failures } = z3Runs(dir);
    if (runs.length === 0) {
      console.log(`  Z3 baseline missing: ${failures.length} of ${failures.length} runs failed`);
      goals.push(notMeasured(z3Goal, `no Z3 run finished (${failures.join('; ')})`));
    } else {
      for (const z3 of runs) {
        if (z3.differ === answer.equivalent) throw new Error(`Z3 says ${z3.differ ? 'different' : 'equivalent'}, tagwall the opposite`);
        if (z3.witness && !difference.has(z3.witness)) throw new Error(`Z3's witness is not in tagwall's difference: ${JSON.stringify(z3.witness)}`);
      }
      const z3 = runs[0]!;
      const total = median(runs.map((r) => r.buildMs + r.solveMs));
      const solve = median(runs.map((r) => r.solveMs));
      rows.push({ name: 'Z3 build + solve', median: total, p10: total, p90: total, runs: runs.length });
      rows.push({ name: 'Z3 solve only', median: solve, p10: solve, p90: solve, runs: runs.length });
      const crashed = failures.length === 0 ? '' : `; ${failures.length} more run(s) failed, see above`;
      console.log(`  Z3 agrees (${z3.differ ? `sat; its packet ${JSON.stringify(z3.witness)} is in tagwall's difference` : 'unsat'}), ${runs.length} runs, each in its own process${crashed}`);
      goals.push({ ...z3Goal, measured: total / exact!.median });
    }

    if (sampler) {
      const COUNT = 1_000_000;
      const sample = packets(a, COUNT, 2);
      writeFileSync(join(dir, 'packets.bin'), sample);
      const expected = expectedDiffering(difference, sample);
      const samples = Array.from({ length: 5 }, () => runSampler(sampler, dir));
      if (samples.some((s) => s.differing !== expected)) throw new Error(`sampler found ${samples[0]!.differing} differing packets, tagwall's exact difference holds ${expected} of them`);
      const loop = median(samples.map((s) => s.loopMs));
      const whole = median(samples.map((s) => s.processMs));
      rows.push({ name: 'C sampler, 1M packets (loop)', median: loop, p10: loop, p90: loop, runs: samples.length });
      rows.push({ name: 'C sampler, 1M packets (process)', median: whole, p10: whole, p90: whole, runs: samples.length });
      console.log(`  sampler agrees: ${expected} of 1,000,000 packets differ (and tagwall proves the rest cannot)`);
      goals.push({ name: 'equivalent vs a C sampler of 1,000,000 packets (loop only)', measured: loop / exact!.median, target: 1, kind: 'min', unit: 'x' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTimings('Equivalence of two 1,000-rule sets', rows, 'tagwall equivalent (exact)');

  const lines = measure([{ name: 'shadowed + redundant, side A', run: () => shadowed({ ...a }).length + redundant({ ...a }).length }], { runs: 3, warmup: 1 });
  printTimings('Shadowed and redundant rules of one 1,000-rule set', lines, 'shadowed + redundant, side A');

  // ── growth ──
  // CPU time (process.cpuUsage: this process, GC threads included) beside wall time: on the shared 2-core machine
  // wall time is mostly waiting for a core, so the goals read CPU time and the load average is printed with them.
  // Seven timed runs per size, the same for every size: the first few runs of a size after its untimed one are still
  // warming up (at 1k, 54-75 ms of CPU against a steady 41-48 ms in the same process), so a median of three landed on
  // them or not from one run of the bench to the next, and the 1k -> 10k exponent swung between 0.98 and 1.21.
  console.log(`\nCost against rule count (median of ${GROWTH_RUNS} after one untimed run, expanded tags; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
  console.log('  rules   prefixes   difference boxes   equivalent ms (CPU)   (wall)');
  const cpuTimes = new Map<number, number>();
  const wallTimes = new Map<number, number>();
  for (const count of [100, 1000, 3000, 10000]) {
    const pair = workload(snapshot, count, 3);
    let result = equivalent({ ...pair.a }, { ...pair.b });
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < GROWTH_RUNS; i++) {
      // Fresh rule set objects (see the 1k pair above), made before the clock starts.
      const [left, right] = [{ ...pair.a }, { ...pair.b }];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      result = equivalent(left, right);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    cpuTimes.set(count, median(cpu));
    wallTimes.set(count, median(wall));
    console.log(
      `  ${String(count).padStart(5)}   ${String(pair.prefixes).padStart(8)}   ${String(result.equivalent ? 0 : result.onlyLeft.boxes.length + result.onlyRight.boxes.length).padStart(16)}   ${formatMs(median(cpu)).padStart(19)}   ${formatMs(median(wall)).padStart(6)}`,
    );
  }
  const exponent = Math.log(cpuTimes.get(10000)! / cpuTimes.get(1000)!) / Math.log(10);
  const wallExponent = Math.log(wallTimes.get(10000)! / wallTimes.get(1000)!) / Math.log(10);
  console.log(`  growth exponent 1k -> 10k: ${exponent.toFixed(2)} (CPU), ${wallExponent.toFixed(2)} (wall)`);
  const memoryGoal = { name: 'equivalent 10k pair, peak memory above the loaded snapshot', target: 150, kind: 'max', unit: ' MB' } as const;
  const child = childRun(10000);
  goals.push(
    { name: 'equivalent, two 10k-rule sets (CPU time)', measured: cpuTimes.get(10000)!, target: 1000, kind: 'max', unit: ' ms' },
    { name: 'equivalent, two 10k-rule sets (wall time, at this load)', measured: wallTimes.get(10000)!, target: 1000, kind: 'max', unit: ' ms' },
    { name: 'equivalent growth exponent 1k -> 10k (CPU time)', measured: exponent, target: 1.1, kind: 'max', unit: '' },
  );
  if ('failure' in child) {
    console.log(`  10k pair in a fresh process failed: ${child.failure}`);
    goals.push(notMeasured(memoryGoal, child.failure));
  } else {
    // The goal reads the larger of the two peaks: RSS can miss what the heap reused, the heap misses V8's slack.
    const rss = child.peakRssMb === undefined ? 'peak RSS not measurable here (no /proc/self/clear_refs)' : `peak RSS +${child.peakRssMb.toFixed(0)} MB`;
    console.log(
      `  10k pair in a fresh process: ${formatMs(child.cpuMs)} ms CPU (${formatMs(child.ms)} wall, one cold call); above the loaded snapshot: ` +
        `${rss}, peak JS heap + external +${child.peakHeapMb.toFixed(0)} MB (the pair itself ${child.pairMb.toFixed(0)} MB; ${child.gcs} collections in the call)`,
    );
    goals.push({ ...memoryGoal, measured: Math.max(child.peakRssMb ?? 0, child.peakHeapMb) });
  }
  return goals;
}
