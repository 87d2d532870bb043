/**
 * `npm run bench [filter]`: runs every benchmark (or those whose name contains the filter), prints its tables
 * and the goals it checks, and saves the figures under bench/.results/. Benchmarks are not tests: a missed goal
 * is reported, and the exit code is 1 so a script can notice.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWithoutExtraCa } from './environment.js';
import { goalMet, printGoals, type Goal } from './harness.js';

const BENCHES: Record<string, () => Promise<{ run: () => Promise<Goal[]> }>> = {
  analysis: () => import('./analysis.bench.js'),
  'cidr-merge': () => import('./cidr-merge.bench.js'),
  'cli-startup': () => import('./cli-startup.bench.js'),
  impact: () => import('./impact.bench.js'),
  linux: () => import('./linux.bench.js'),
  paths: () => import('./paths.bench.js'),
  'render-growth': () => import('./render-growth.bench.js'),
  'snapshot-diff': () => import('./snapshot-diff.bench.js'),
};

runWithoutExtraCa();
const filter = process.argv[2];
const goals: Goal[] = [];
for (const [name, load] of Object.entries(BENCHES)) {
  if (filter && !name.includes(filter)) continue;
  console.log(`\n=== ${name}`);
  goals.push(...(await (await load()).run()));
}
printGoals(goals);
const dir = fileURLToPath(new URL('./.results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ node: process.version, goals }, null, 2)}\n`);
console.log(`\nsaved ${file}`);
if (!goals.every(goalMet)) process.exitCode = 1;
