/**
 * How each target's render grows with the size of its input (issue 22): requirement files of 1k, 2k, 5k and 10k
 * requirements (each an outbound TCP/UDP flow from one of a few subnets to its own /28, a few with host names), and
 * one requirement whose destination is 10k, 30k or 100k distinct CIDRs. Every target renders each size through the
 * library as the CLI does (translate = build, render, exact loss accounting); the table gives the median time and
 * the growth exponent between sizes (log t2/t1 / log n2/n1; 1.0 is linear). A render that takes more than the
 * budget stops that target's series, shown as "> budget", so a quadratic target cannot hold the bench for hours.
 * Goal: exponent ≤ 1.2 from 1k to 10k requirements and from 10k to 100k CIDRs, for every target.
 */
import { parseRequirements } from '../src/catalogue/requirements-file.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { defaultSnapshot } from '../src/servicetags/index.js';
import { allTargets } from '../src/targets/registry.js';
import { formatMs, type Goal } from './harness.js';
import { random } from './analysis.bench.js';

const BUDGET_MS = 30_000;

function requirementsText(count: number): string {
  const next = random(count);
  const requirements = Array.from({ length: count }, (_, i) => ({
    id: `flow-${i}`,
    direction: 'outbound',
    protocol: next() < 0.8 ? 'tcp' : 'udp',
    ports: [443, 80, 8443, 5671, 1433][i % 5],
    source: ['10.1.0.0/24', '10.1.1.0/24', '172.16.0.0/20'][i % 3],
    destination: i % 50 === 0 ? `svc${i}.example.net` : `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.${16 * (i % 16)}/28`,
    purpose: `generated flow ${i}`,
  }));
  return JSON.stringify({ name: `growth-${count}`, requirements });
}

function cidrsText(count: number): string {
  const destination = Array.from({ length: count }, (_, i) => `${30 + (i >> 14)}.${(i >> 6) & 255}.${(i & 63) * 4}.0/30`);
  return JSON.stringify({ name: `cidrs-${count}`, requirements: [{ id: 'many-cidrs', direction: 'outbound', protocol: 'tcp', ports: 443, source: '10.1.0.0/24', destination }] });
}

export async function run(): Promise<Goal[]> {
  const snapshot = defaultSnapshot('Public');
  const resolver = expandedResolver(snapshot);
  const series: Array<{ label: string; sizes: readonly number[]; text: (n: number) => string }> = [
    { label: 'requirements', sizes: [1000, 2000, 5000, 10000], text: requirementsText },
    { label: 'CIDRs in one requirement', sizes: [10000, 30000, 100000], text: cidrsText },
  ];
  const goals: Goal[] = [];
  for (const { label, sizes, text } of series) {
    const inputs = new Map(sizes.map((n) => [n, parseRequirements(text(n), `${label}-${n}.json`)]));
    console.log(`\nRender time against ${label} (median of 3, or 1 run above 5 s; ms)`);
    console.log(`  ${'target'.padEnd(24)}${sizes.map((n) => String(n).padStart(11)).join('')}   exponent ${sizes[0]} -> ${sizes.at(-1)}`);
    for (const target of allTargets()) {
      const times: number[] = [];
      for (const n of sizes) {
        const requirements = inputs.get(n)!;
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          target.translate(requirements, { snapshot, resolver, options: {} });
          runs.push(performance.now() - t0);
          if (runs[0]! > 5000) break;
        }
        times.push(runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!);
        if (times.at(-1)! > BUDGET_MS) break;
      }
      const cells = sizes.map((_, i) => (i < times.length ? formatMs(times[i]!) + (times[i]! > BUDGET_MS ? '!' : '') : '> budget').padStart(11));
      const complete = times.length === sizes.length;
      const exponent = complete ? Math.log(times.at(-1)! / times[0]!) / Math.log(sizes.at(-1)! / sizes[0]!) : Number.POSITIVE_INFINITY;
      console.log(`  ${target.id.padEnd(24)}${cells.join('')}   ${complete ? exponent.toFixed(2) : 'n/a (over budget)'}`);
      goals.push({ name: `${target.id} render growth over ${label}`, measured: exponent, target: 1.2, kind: 'max', unit: '' });
    }
  }
  return goals;
}
