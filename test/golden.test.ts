/**
 * Golden files cover exactly the scenarios: every scenario a target serves (its yardstick holds packets of some
 * requirement) has at least one golden under test/golden/<target>/, and every golden there is named after a
 * scenario the target serves. A renamed or new scenario, or a new target, fails here until its goldens are
 * generated (`npm run golden`) and reviewed; a stale golden fails until it is removed.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, scenarioIds } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { allTargets, targetIds } from '../src/targets/registry.js';
import type { Target } from '../src/targets/target.js';
import { GOLDEN_DIR } from './support/golden.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const requirementsOf = new Map(scenarioIds().map((id) => [id, loadScenario(id, { region: 'eastus2' })]));

/** Report goldens (test/reports.test.ts) are per report format, not per target. */
const NOT_TARGETS = ['reports'];

function served(target: Target): string[] {
  return scenarioIds().filter((id) => requirementsOf.get(id)!.requirements.some((requirement) => !target.yardstick(requirement, resolver).isEmpty()));
}

/** The scenario a golden is about: the scenario id its name starts with, then a dot. */
function scenarioOf(file: string): string | undefined {
  return scenarioIds().find((id) => file.startsWith(`${id}.`));
}

it('holds a folder per target and nothing else', () => {
  const folders = readdirSync(GOLDEN_DIR).filter((name) => !NOT_TARGETS.includes(name));
  expect(folders.sort()).toEqual([...targetIds()].sort());
});

describe.each(allTargets().map((target) => [target.id, target] as const))('%s goldens', (id, target) => {
  const files = readdirSync(`${GOLDEN_DIR}${id}`);
  it('serves at least one scenario', () => expect(served(target).length).toBeGreaterThan(0));
  it.each(served(target))('%s has a golden', (scenario) => {
    expect(files.filter((file) => scenarioOf(file) === scenario).length).toBeGreaterThan(0);
  });
  it('has no golden without a scenario it serves', () => {
    expect(files.filter((file) => !served(target).includes(scenarioOf(file) ?? ''))).toEqual([]);
  });
});
