/**
 * Exact equivalence of two long first-match rule sets whose matches are expanded service tags, against checking
 * the same pair by evaluating random packets (issue 5). Goals: equivalence of two 2,000-rule sets under 1 s, and
 * at least 100x faster than evaluating 1,000,000 packets on both sides. Evaluation costs the same for every packet
 * (a scan of the rules), so it is timed on a sample and scaled to 1,000,000, which the output says.
 * Also a table of cost against rule count (100, 1k, 10k) and prefix count.
 */
import { equivalent, evaluate, redundant, shadowed } from '../src/analysis/questions.js';
import { expandedResolver, requirementsRuleSet } from '../src/analysis/resolve.js';
import type { Rule, RuleSet } from '../src/analysis/rule-set.js';
import { buildScenario } from '../src/catalogue/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { PacketSet } from '../src/model/packet-set.js';
import type { Packet } from '../src/model/packet.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import { defaultSnapshot, type Snapshot } from '../src/servicetags/index.js';
import { formatMs, measure, printTimings, type Goal } from './harness.js';

/** A deterministic generator, so every run measures the same rule sets. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const SUBNETS = ['10.1.0.0/24', '10.1.1.0/24', '10.2.0.0/16', '172.16.0.0/20'].map((cidr) => AddressSet.parse(cidr));
const PORTS = [443, 443, 443, 80, 22, 1433, 5671, 8443, 445];

interface Workload {
  readonly a: RuleSet;
  readonly b: RuleSet;
  readonly prefixes: number;
}

/**
 * Side A: the catalogue's Public firewall scenario (expanded), then random rules over the big tags: regional
 * Storage, AzureCloud, Sql, EventHub and AzureMonitor tags and a few global ones, from four subnets, mostly
 * allow with some deny. Side B: A with random edits (a port changed, a rule dropped, two rules swapped).
 */
export function workload(snapshot: Snapshot, rules: number, seed: number): Workload {
  const resolver = expandedResolver(snapshot);
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const tags = snapshot.names().filter((name) => /^(Storage|AzureCloud|Sql|EventHub|AzureMonitor)\.[A-Za-z0-9]+$/.test(name));
  const big = ['Storage', 'AzureCloud.westus', 'AzureCloud.eastus', 'AzureMonitor', 'AzureActiveDirectory'];
  const scenario = requirementsRuleSet(buildScenario('firewall-outbound', { region: 'westus', cloud: 'Public' }, snapshot).requirements, resolver);
  let prefixes = 0;
  const made: Rule[] = [...scenario.rules];
  while (made.length < rules) {
    const tag = next() < 0.05 ? pick(big) : pick(tags);
    const dst = snapshot.addresses(tag);
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

/** Random outbound packets like the rules' traffic: from the subnets, to addresses in and out of the tags. */
function packets(count: number, seed: number): Packet[] {
  const next = random(seed);
  return Array.from({ length: count }, () => ({
    direction: 'out' as const,
    protocol: next() < 0.9 ? 6 : 17,
    src: `10.${1 + Math.floor(next() * 2)}.${Math.floor(next() * 2)}.${Math.floor(next() * 256)}`,
    dst: `${[13, 20, 40, 52, 104][Math.floor(next() * 5)]}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`,
    srcPort: 49152,
    dstPort: PORTS[Math.floor(next() * PORTS.length)]!,
  }));
}

function evaluateAll(a: RuleSet, b: RuleSet, sample: readonly Packet[]): number {
  let differing = 0;
  for (const packet of sample) if (evaluate(a, packet).action !== evaluate(b, packet).action) differing++;
  return differing;
}

export async function run(): Promise<Goal[]> {
  const snapshot = defaultSnapshot('Public');
  const { a, b, prefixes } = workload(snapshot, 2000, 1);
  const answer = equivalent(a, b);
  console.log(`2,000 rules per side, ${prefixes} prefixes in the random rules; equivalent: ${answer.equivalent}`);
  const SAMPLE = 2000;
  const sample = packets(SAMPLE, 2);
  const timings = measure(
    [
      { name: 'equivalent (exact)', run: () => equivalent(a, b).equivalent },
      { name: `evaluate ${SAMPLE} packets x 2 sides`, run: () => evaluateAll(a, b, sample) },
    ],
    { runs: 5, warmup: 1 },
  );
  printTimings('Equivalence of two 2,000-rule sets', timings, 'equivalent (exact)');
  const exact = timings[0]!.median;
  const perMillion = (timings[1]!.median / SAMPLE) * 1_000_000;
  console.log(`  evaluating 1,000,000 packets (scaled from ${SAMPLE}): ${formatMs(perMillion)} ms; ratio ${(perMillion / exact).toFixed(0)}x`);

  // The per-rule questions walk the list like equivalence does (filterLineReachability in Batfish terms).
  const lines = measure([{ name: 'shadowed + redundant, side A', run: () => shadowed(a).length + redundant(a).length }], { runs: 3, warmup: 1 });
  printTimings('Shadowed and redundant rules of one 2,000-rule set', lines, 'shadowed + redundant, side A');

  console.log('\nCost against rule count (one run each, expanded tags)');
  console.log('  rules   prefixes   difference boxes   equivalent ms');
  for (const count of [100, 1000, 10000]) {
    const pair = workload(snapshot, count, 3);
    const t0 = performance.now();
    const result = equivalent(pair.a, pair.b);
    const ms = performance.now() - t0;
    console.log(`  ${String(count).padStart(5)}   ${String(pair.prefixes).padStart(8)}   ${String(result.equivalent ? 0 : result.onlyLeft.boxes.length + result.onlyRight.boxes.length).padStart(16)}   ${formatMs(ms).padStart(13)}`);
  }
  return [
    { name: 'equivalent, two 2,000-rule sets', measured: exact, target: 1000, kind: 'max', unit: ' ms' },
    { name: 'equivalent vs evaluating 1,000,000 packets', measured: perMillion / exact, target: 100, kind: 'min', unit: 'x' },
  ];
}
