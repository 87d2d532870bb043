/**
 * `tagwall impact` between the two Public fixture snapshots for the largest catalogue scenario across all
 * targets, against rendering that scenario once for all targets. Goal (issue 9): impact under 3x render.
 * Impact translates twice (both snapshots), compares line-wise object by object and writes a report, so about 2x
 * plus the comparison is expected.
 *
 * "Largest" is the scenario whose requirements expand to the most prefixes through the newer snapshot (what
 * translation and comparison scale with), requirement count breaking ties; the table of every scenario is printed
 * so the choice can be checked.
 */
import { endpointAddresses, expandedResolver } from '../src/analysis/resolve.js';
import { buildScenario, scenarioIds } from '../src/catalogue/index.js';
import type { RequirementSet } from '../src/model/requirement.js';
import { renderReport } from '../src/reports/index.js';
import { snapshotImpact } from '../src/reports/impact.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { allTargets } from '../src/targets/registry.js';
import { measure, printTimings, type Goal } from './harness.js';

const FIXTURES = new URL('../fixtures/servicetags/', import.meta.url);
const OLD = 'ServiceTags_Public_20250728.json.gz';
const NEW = 'ServiceTags_Public_20251028.json.gz';

export async function run(): Promise<Goal[]> {
  const from = loadSnapshotFile(new URL(OLD, FIXTURES).pathname);
  const to = loadSnapshotFile(new URL(NEW, FIXTURES).pathname);
  const resolver = expandedResolver(to);
  const sized = scenarioIds().flatMap((id) => {
    let requirements: RequirementSet;
    try {
      requirements = buildScenario(id, { region: 'eastus2', cloud: 'Public' }, to).requirements;
    } catch (error) {
      console.log(`  ${id}: not built (${error instanceof Error ? error.message : String(error)})`);
      return [];
    }
    const prefixes = requirements.requirements.reduce(
      (sum, requirement) => sum + endpointAddresses([...requirement.sources, ...requirement.destinations], resolver).toCidrStrings().length,
      0,
    );
    return [{ id, requirements, prefixes }];
  });
  sized.sort((a, b) => b.prefixes - a.prefixes || b.requirements.requirements.length - a.requirements.requirements.length);
  console.log('  scenario (eastus2)                requirements  expanded prefixes');
  for (const entry of sized) console.log(`  ${entry.id.padEnd(32)}  ${String(entry.requirements.requirements.length).padStart(12)}  ${String(entry.prefixes).padStart(17)}`);
  const largest = sized[0]!;
  const targets = allTargets();
  console.log(`largest: ${largest.id}; snapshots ${OLD} -> ${NEW}; targets: ${targets.map((t) => t.id).join(', ')}`);
  // As a run of render does it: a fresh resolver (its expansion cache starts cold, as impact's two do), shared by
  // the targets.
  const render = (): number => {
    const fresh = expandedResolver(to);
    return targets.reduce((count, target) => count + target.translate(largest.requirements, { snapshot: to, resolver: fresh, options: {} }).artifacts.length, 0);
  };
  // As the CLI runs it: the comparison and the report it prints.
  const impact = (): number => renderReport(snapshotImpact({ from, to, requirements: largest.requirements, targets }), 'markdown').length;
  const timings = measure(
    [
      { name: 'impact (2 snapshots, all targets, Markdown report)', run: impact },
      { name: 'render (1 snapshot, all targets)', run: render },
    ],
    { runs: 10, warmup: 2 },
  );
  printTimings('Snapshot impact vs one render', timings, 'impact (2 snapshots, all targets, Markdown report)');
  const ratio = timings[0]!.median / timings[1]!.median;
  console.log(`  impact ${timings[0]!.median.toFixed(1)} ms / render ${timings[1]!.median.toFixed(1)} ms = ${ratio.toFixed(2)}x`);
  return [{ name: `impact vs render, ${largest.id}, ${targets.length} targets`, measured: ratio, target: 3, kind: 'max', unit: 'x' }];
}
