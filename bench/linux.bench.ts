/**
 * Render against the kernel's load of the result, for iptables (ipset restore + iptables-restore +
 * ip6tables-restore) and nftables (nft -f), each load in a fresh network namespace:
 * - issue 7: the largest catalogue scenario (Public, tags expanded): render under 10% of the load;
 * - issue 22: every Public scenario renders in less time than the kernel takes to load it (the worst ratio is the
 *   goal line), and a 10,000-requirement file (bench/render-growth.bench.ts's generator) renders in no more time
 *   than its load.
 * Renders run in this process, warm, through the built package (dist/, as users run it), median of several runs;
 * loads are the median of 3 (7 for the largest scenario). Each scenario is also rendered as a user runs it, a cold
 * `tagwall render` process (the package's bin, start to exit, median of 3): issue 22 asks that too ("CLI, cold:
 * rendering any scenario takes less time than the kernel takes to load the result"), where the warm render has
 * its tag caches filled and no start-up.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
// The built package, as users run it (npm run bench builds first): the sources under tsx carry its per-function
// name wrappers, which cost ~20% on this hot formatting path (measured: nftables lowering 4.2 ms under tsx).
import type { Artifact, RequirementSet, Target } from '../src/index.js';

// Loaded at run time, typed by the sources it is built from, so `tsc --noEmit` works before any build.
type Library = typeof import('../src/index.js');
const library = (): Promise<Library> => import(new URL('../dist/index.js', import.meta.url).href) as Promise<Library>;
import { Namespace, netnsUnavailable } from '../test/support/netns.js';
import { formatMs, measure, median, type Goal } from './harness.js';
import { requirementsText } from './render-growth.bench.js';

const BIN = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));

/** A cold `tagwall render` of a catalogue scenario to standard output, start to exit (ms); its exit must be 0 or 1. */
function coldRender(target: Target, scenario: string): number {
  const start = performance.now();
  const child = spawnSync(process.execPath, [BIN, 'render', '--scenario', scenario, '--region', 'westus', '--target', target.id], { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = performance.now() - start;
  if (child.status !== 0 && child.status !== 1) throw new Error(`tagwall render --scenario ${scenario} --target ${target.id} exited ${String(child.status ?? child.signal)}`);
  return ms;
}

function load(target: Target, artifacts: readonly Artifact[]): number {
  const ns = new Namespace('bench');
  try {
    const files = new Map(artifacts.map((artifact) => [artifact.name, ns.file(artifact.name, artifact.content)]));
    const start = performance.now();
    if (target.id === 'iptables') {
      ns.run('ipset', ['restore', '-file', files.get('ipsets.save')!]);
      ns.run('iptables-restore', [files.get('iptables.rules')!]);
      ns.run('ip6tables-restore', [files.get('ip6tables.rules')!]);
    } else {
      // The ruleset, then the files its large sets continue in (nftables/split.ts), in the order the header gives.
      for (const artifact of artifacts) if (artifact.format === 'nft') ns.run('nft', ['-f', files.get(artifact.name)!]);
    }
    return performance.now() - start;
  } finally {
    ns.delete();
  }
}

export async function run(): Promise<Goal[]> {
  const { defaultSnapshot, expandedResolver, getTarget, loadScenario, parseRequirements, SCENARIOS } = await library();
  const iptablesTarget = getTarget('iptables');
  const targets = [iptablesTarget, getTarget('nftables')];
  const snapshot = defaultSnapshot('Public');
  const resolver = expandedResolver(snapshot);
  const scenarios = SCENARIOS.filter((scenario) => scenario.clouds.includes('Public')).map((scenario) => loadScenario(scenario.id, { region: 'westus', cloud: 'Public' }));
  const elements = (artifacts: readonly Artifact[]): number => artifacts.reduce((sum, artifact) => sum + (artifact.content.match(/^add /gm)?.length ?? 0), 0);
  const largest = scenarios
    .map((requirements) => ({ requirements, size: elements(iptablesTarget.translate(requirements, { snapshot, resolver, options: {} }).artifacts) }))
    .reduce((best, candidate) => (candidate.size > best.size ? candidate : best)).requirements;
  const unavailable = netnsUnavailable();
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  const goals: Goal[] = [];

  // ── issue 7: the largest scenario, render under 10% of the load ──
  for (const target of targets) {
    const context = { snapshot, resolver, options: {} };
    const translation = target.translate(largest, context);
    // Warm means optimised: five untimed runs of a 2 ms render left TurboFan's work unfinished, and the median read
    // 2.5 ms where the table below, later in the same process, reads 1.8 (12% against 9% of the load, 2026-12-05).
    // Untimed runs for 500 ms first, as render-growth warms up for 300.
    const warm = performance.now();
    while (performance.now() - warm < 500) target.translate(largest, context);
    const [timing] = measure([{ name: `${target.id} render`, run: () => target.translate(largest, context).artifacts.length }], { runs: 30, warmup: 5 });
    const rules = translation.artifacts.reduce((sum, artifact) => sum + (artifact.content.match(/^-A TAGWALL|^\t\t.* accept comment/gm)?.length ?? 0), 0);
    const ipsetElements = elements(translation.artifacts);
    const nftElements = translation.artifacts.reduce((sum, artifact) => sum + (artifact.format === 'nft' ? (artifact.content.match(/\d+\/\d+/g)?.length ?? 0) : 0), 0);
    console.log(`${target.id}: ${largest.origin}, ${rules} rules, ${target.id === 'iptables' ? ipsetElements : nftElements} set elements, render median ${timing!.median.toFixed(1)} ms`);
    if (unavailable) {
      console.log(`  kernel load skipped: ${unavailable}`);
      continue;
    }
    const loads = Array.from({ length: 7 }, () => load(target, translation.artifacts));
    const loadMs = median(loads);
    console.log(`  kernel load median ${loadMs.toFixed(1)} ms (${loads.map((ms) => ms.toFixed(0)).join(', ')}); render/load ${((timing!.median / loadMs) * 100).toFixed(1)}%`);
    goals.push({ name: `${target.id} render vs kernel load, ${largest.origin}`, measured: (timing!.median / loadMs) * 100, target: 10, kind: 'max', unit: '%' });
  }
  if (unavailable) return goals;

  // ── issue 22: every scenario, and a 10k-requirement file ──
  const tenK = parseRequirements(requirementsText(10000), 'growth-10000.json');
  const cases: Array<{ label: string; requirements: RequirementSet; runs: number }> = [
    ...scenarios.map((requirements) => ({ label: (requirements.origin ?? requirements.name ?? '?').replace(/^scenario:/, ''), requirements, runs: 9 })),
    { label: '10,000 requirements', requirements: tenK, runs: 3 },
  ];
  for (const target of targets) {
    console.log(`\n${target.id}: render (in-process, warm, median) against the kernel's load of the result (median of 3), ms`);
    console.log(`  ${'input'.padEnd(34)}  render   load   render/load   CLI cold   cold/load`);
    let worst = { ratio: 0, label: '' };
    let worstCold = { ratio: 0, label: '' };
    for (const { label, requirements, runs } of cases) {
      const context = { snapshot, resolver, options: {} };
      const translation = target.translate(requirements, context);
      const [timing] = measure([{ name: label, run: () => target.translate(requirements, context).artifacts.length }], { runs, warmup: 1 });
      const loadMs = median(Array.from({ length: 3 }, () => load(target, translation.artifacts)));
      const ratio = timing!.median / loadMs;
      const scenario = requirements.origin?.startsWith('scenario:') ? requirements.origin.slice('scenario:'.length) : undefined;
      const coldMs = scenario === undefined ? undefined : median(Array.from({ length: 3 }, () => coldRender(target, scenario)));
      const cold = coldMs === undefined ? '' : `${formatMs(coldMs).padStart(11)} ${`${((coldMs / loadMs) * 100).toFixed(0)}%`.padStart(11)}`;
      console.log(`  ${label.padEnd(34)} ${formatMs(timing!.median).padStart(7)} ${formatMs(loadMs).padStart(6)}   ${`${(ratio * 100).toFixed(0)}%`.padStart(11)}${cold}`);
      if (coldMs !== undefined && coldMs / loadMs > worstCold.ratio) worstCold = { ratio: coldMs / loadMs, label };
      if (label === '10,000 requirements') {
        goals.push({ name: `${target.id} 10k-requirement render vs kernel load`, measured: ratio * 100, target: 100, kind: 'max', unit: '%' });
      } else if (ratio > worst.ratio) worst = { ratio, label };
    }
    goals.push({ name: `${target.id} render vs kernel load, worst scenario (${worst.label})`, measured: worst.ratio * 100, target: 100, kind: 'max', unit: '%' });
    goals.push({ name: `${target.id} CLI cold render vs kernel load, worst scenario (${worstCold.label})`, measured: worstCold.ratio * 100, target: 100, kind: 'max', unit: '%' });
  }
  return goals;
}
