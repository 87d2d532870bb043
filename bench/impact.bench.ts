/**
 * `tagwall impact` between the two Public fixture snapshots for the largest catalogue scenario across all
 * targets, against rendering that scenario once for all targets. Goal (issue 9): impact under 3x render.
 * Impact translates twice (both snapshots) and compares line-wise, so about 2x plus the comparison is expected.
 */
import { expandedResolver } from '../src/analysis/resolve.js';
import { buildScenario, scenarioIds } from '../src/catalogue/index.js';
import { snapshotImpact } from '../src/reports/impact.js';
import { linesTarget } from '../src/reports/test-fixtures.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { allTargets } from '../src/targets/registry.js';
import { measure, printTimings, type Goal } from './harness.js';

const FIXTURES = new URL('../fixtures/servicetags/', import.meta.url);

export async function run(): Promise<Goal[]> {
  const from = loadSnapshotFile(new URL('ServiceTags_Public_20250728.json.gz', FIXTURES).pathname);
  const to = loadSnapshotFile(new URL('ServiceTags_Public_20251028.json.gz', FIXTURES).pathname);
  const built = scenarioIds().flatMap((id) => {
    try {
      return [buildScenario(id, { region: 'eastus2', cloud: 'Public' }, to).requirements];
    } catch {
      return []; // a scenario that needs parameters the bench does not give
    }
  });
  const largest = built.reduce((best, set) => (set.requirements.length > best.requirements.length ? set : best));
  const registered = allTargets();
  // Until the target issues land, the test target stands in so the comparison still measures something.
  const targets = registered.length > 0 ? registered : [linesTarget];
  console.log(`scenario ${largest.origin} (${largest.requirements.length} requirements), targets: ${targets.map((t) => t.id).join(', ')}`);
  const resolver = expandedResolver(to);
  const render = (): number =>
    targets.reduce((lines, target) => lines + target.translate(largest, { snapshot: to, resolver, options: {} }).artifacts.length, 0);
  const impact = (): boolean => snapshotImpact({ from, to, requirements: largest, targets }).changed;
  const timings = measure(
    [
      { name: 'impact (2 snapshots, all targets)', run: impact },
      { name: 'render (1 snapshot, all targets)', run: render },
    ],
    { runs: 10, warmup: 2 },
  );
  printTimings('Snapshot impact vs one render', timings, 'impact (2 snapshots, all targets)');
  const ratio = timings[0]!.median / timings[1]!.median;
  console.log(`  impact / render = ${ratio.toFixed(2)}x`);
  return [{ name: `impact vs render, ${largest.origin}, ${targets.length} targets`, measured: ratio, target: 3, kind: 'max', unit: 'x' }];
}
