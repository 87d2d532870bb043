/**
 * The translator contract (DESIGN.md laws 1–3) for the panos target on every catalogue scenario in every cloud it
 * applies to: with External Dynamic Lists in the `set` form everywhere, and with address groups in the XML form
 * in the Public cloud (thousands of address objects per scenario, so slower).
 */
import { describe, expect, it } from 'vitest';
import { checkContract, type ContractReport } from '../src/analysis/contract.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { panosTarget } from '../src/targets/panos/index.js';
import type { TargetOptionValues } from '../src/targets/target.js';

const REGION: Record<string, string> = { Public: 'westus', AzureGovernment: 'usgovvirginia', China: 'chinanorth3' };

function explain(report: ContractReport): string {
  return `too much: ${report.tooMuch}\nunexplained loss: ${report.unexplainedLoss}\noverclaimed loss: ${report.overclaimedLoss}\nnondeterministic: ${report.nondeterministicArtifact ?? 'no'}`;
}

function expectContract(scenario: string, cloud: 'Public' | 'AzureGovernment' | 'China', options: TargetOptionValues): void {
  const snapshot = defaultSnapshot(cloud);
  const report = checkContract(panosTarget, loadScenario(scenario, { region: REGION[cloud]!, cloud }), { snapshot, resolver: expandedResolver(snapshot), options });
  expect(report.ok, explain(report)).toBe(true);
}

describe('panos: every catalogue scenario in every cloud', () => {
  for (const scenario of SCENARIOS) {
    for (const cloud of scenario.clouds) {
      it(`${scenario.id} ${cloud} (set, EDLs)`, () => expectContract(scenario.id, cloud, { format: 'set', tags: 'edl', edlUrl: 'https://lists.example.com/tw' }));
    }
    if (scenario.clouds.includes('Public')) it(`${scenario.id} Public (xml, address groups)`, () => expectContract(scenario.id, 'Public', { format: 'xml' }), 30_000);
  }
});
