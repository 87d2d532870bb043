/**
 * Issue 7: render the largest catalogue scenario (Public, tags expanded) for iptables and nftables and load it into
 * a kernel inside a fresh network namespace. Reports rules, set elements, render time and load time (ipset restore +
 * iptables-restore + ip6tables-restore; nft -f). Goal: render under 10% of the load measured in the same run.
 */
import { performance } from 'node:perf_hooks';
// The built package, as users run it (npm run bench builds first): the sources under tsx carry its per-function
// name wrappers, which cost ~20% on this hot formatting path (measured: nftables lowering 4.2 ms under tsx).
import type { Artifact, Target } from '../src/index.js';

// Loaded at run time, typed by the sources it is built from, so `tsc --noEmit` works before any build.
type Library = typeof import('../src/index.js');
const library = (): Promise<Library> => import(new URL('../dist/index.js', import.meta.url).href) as Promise<Library>;
import { Namespace, netnsUnavailable } from '../test/support/netns.js';
import { measure, type Goal } from './harness.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
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
    } else ns.run('nft', ['-f', files.get('tagwall.nft')!]);
    return performance.now() - start;
  } finally {
    ns.delete();
  }
}

export async function run(): Promise<Goal[]> {
  const { defaultSnapshot, expandedResolver, getTarget, loadScenario, SCENARIOS } = await library();
  const iptablesTarget = getTarget('iptables');
  const snapshot = defaultSnapshot('Public');
  const resolver = expandedResolver(snapshot);
  const scenarios = SCENARIOS.filter((scenario) => scenario.clouds.includes('Public')).map((scenario) => loadScenario(scenario.id, { region: 'westus', cloud: 'Public' }));
  const elements = (artifacts: readonly Artifact[]): number => artifacts.reduce((sum, artifact) => sum + (artifact.content.match(/^add /gm)?.length ?? 0), 0);
  const largest = scenarios
    .map((requirements) => ({ requirements, size: elements(iptablesTarget.translate(requirements, { snapshot, resolver, options: {} }).artifacts) }))
    .reduce((best, candidate) => (candidate.size > best.size ? candidate : best)).requirements;
  const unavailable = netnsUnavailable();
  const goals: Goal[] = [];
  for (const target of [iptablesTarget, getTarget('nftables')]) {
    const context = { snapshot, resolver, options: {} };
    const translation = target.translate(largest, context);
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
  return goals;
}
